import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { StoredColumn, StoredType } from '../../schemas/stored.ts';
import type { ObjectWriter } from '../platform/storage/port.ts';
import type { StoredValue } from './stored-row.ts';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

const ELEMENT: Record<StoredType, Omit<SchemaElement, 'name'>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  date: { type: 'INT32', converted_type: 'DATE' },
  timestamp: { type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' },
  int: { type: 'INT32' },
  double: { type: 'DOUBLE' },
  boolean: { type: 'BOOLEAN' },
};

/** A hyparquet ByteWriter that hands each finished row group to an object writer instead of growing. */
class StreamingByteWriter extends ByteWriter {
  constructor(private readonly sink: ObjectWriter) { super(1 << 20); }
  flush(): Promise<void> {
    const chunk = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    return this.sink.write(chunk);
  }
  finish() {}
}

/**
 * Writes stored rows as one Parquet file, a row group at a time: memory holds one row group, whatever the size
 * of the extract. Dates are day numbers, timestamps milliseconds. Min/max statistics are written for the dates,
 * times and numbers (an engine skips row groups outside a period by them) and the partner, not for the other text:
 * keyed hashes and encodings look random, and a code or place of a 50,000-row group spans nearly all values, so
 * their bounds would cost time (a tenth of an ingest) and prune nothing.
 */
export class ParquetSink {
  private readonly bytes: StreamingByteWriter;
  private readonly writer: ParquetWriter;
  private buffers: StoredValue[][];
  private buffered = 0;

  constructor(private readonly columns: StoredColumn[], private readonly sink: ObjectWriter, private readonly rowGroupSize = 50_000) {
    this.bytes = new StreamingByteWriter(sink);
    this.writer = new ParquetWriter({
      writer: this.bytes,
      schema: [
        { name: 'root', num_children: columns.length },
        ...columns.map((c) => ({ name: c.name, repetition_type: 'OPTIONAL' as const, ...ELEMENT[c.type] })),
      ],
      createdBy: 'vrn-data-service',
    });
    this.buffers = columns.map(() => []);
  }

  /** Buffers a row's values, in the order of the columns; returns a promise only when a row group is written (await it then). */
  append(values: readonly StoredValue[]): Promise<void> | undefined {
    for (let i = 0; i < this.buffers.length; i++) this.buffers[i].push(values[i]);
    return ++this.buffered >= this.rowGroupSize ? this.flushGroup() : undefined;
  }

  private async flushGroup(): Promise<void> {
    if (this.buffered === 0) return;
    const columnData = this.columns.map((c, i) => ({
      name: c.name, data: this.buffers[i] as never[], statistics: c.type !== 'string' || c.name === 'partner',
      ...(c.keyed ? { encoding: 'PLAIN' as const, codec: 'UNCOMPRESSED' as const } : {}),
    }));
    this.buffers = this.columns.map(() => []);
    const size = this.buffered;
    this.buffered = 0;
    await this.writer.write({ columnData, rowGroupSize: size });
  }

  async close(): Promise<void> {
    await this.flushGroup();
    this.writer.finish();
    await this.bytes.flush();
    await this.sink.close();
  }

  async abort(): Promise<void> {
    await this.sink.abort();
  }
}
