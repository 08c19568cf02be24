import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { table as tableSpec } from '../manifest.ts';

export interface StorageProps {
  /**
   * What happens to the table when the stack is deleted. Production keeps its data.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Refuse `DeleteTable` (from the console, the CLI or a stack update that replaces the table)
   * until it is turned off. The stack turns it on in `prod`.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Customer-managed key the table (and its indexes and backups) is encrypted with.
   * @default the AWS-owned DynamoDB key
   */
  readonly encryptionKey?: IKey;
}

/**
 * The single table of the manifest: `pk`/`sk` keys, its global secondary indexes, TTL on the
 * manifest's expiry attribute, on-demand capacity, point-in-time recovery, and optionally deletion
 * protection and a customer-managed key.
 *
 * @example
 * const { table } = new Storage(this, 'Storage', { removalPolicy: RemovalPolicy.RETAIN });
 */
export class Storage extends Construct {
  /** The table every function reads and writes. */
  public readonly table: Table;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableSpec.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableSpec.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableSpec.ttlAttribute,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      deletionProtection: props.deletionProtection ?? false,
      ...(props.encryptionKey
        ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
        : {}),
    });
    for (const [indexName, index] of Object.entries(tableSpec.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...('include' in index
          ? {
              projectionType: ProjectionType.INCLUDE,
              nonKeyAttributes: [...(index as { include: readonly string[] }).include],
            }
          : {}),
      });
    }
  }
}
