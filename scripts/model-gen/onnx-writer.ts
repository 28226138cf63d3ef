/**
 * A small builder over onnx-proto for writing ONNX graphs by hand: initializers as little-endian
 * rawData, nodes with typed attributes, inputs/outputs with named dynamic dimensions.
 * IR 8 / opset 17 is what onnxruntime-node 1.30 and the MiniLM export both speak.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

export const DataType = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  INT64: onnx.TensorProto.DataType.INT64,
  INT8: onnx.TensorProto.DataType.INT8,
  UINT8: onnx.TensorProto.DataType.UINT8,
} as const;
export type ElementType = (typeof DataType)[keyof typeof DataType];

/** A dimension is either fixed or a named symbolic one (e.g. 'batch_size'). */
export type Dim = number | string;

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string };

export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  ints: (value: number[]): AttributeValue => ({ kind: 'ints', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
};

/** Little-endian bytes of a typed array, independent of the host's byte order. */
function float32Bytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  return bytes;
}

function int64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return bytes;
}

function toAttributeProto(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const Type = onnx.AttributeProto.AttributeType;
  switch (value.kind) {
    case 'int':
      return { name, type: Type.INT, i: value.value };
    case 'ints':
      return { name, type: Type.INTS, ints: value.value };
    case 'float':
      return { name, type: Type.FLOAT, f: value.value };
    case 'string':
      return { name, type: Type.STRING, s: new TextEncoder().encode(value.value) };
  }
}

function valueInfo(name: string, elemType: ElementType, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private nodeCount = 0;

  constructor(private readonly graphName: string) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate tensor name in graph: ${name}`);
    this.names.add(name);
    return name;
  }

  input(name: string, elemType: ElementType, dims: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), elemType, dims));
    return name;
  }

  output(name: string, elemType: ElementType, dims: Dim[]): string {
    this.outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  floatTensor(name: string, dims: number[], values: Float32Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (values.length !== expected) throw new Error(`${name}: ${values.length} values for dims [${dims}]`);
    this.initializers.push({
      name: this.claim(name),
      dims,
      dataType: DataType.FLOAT,
      rawData: float32Bytes(values),
    });
    return name;
  }

  /** A 0-d float constant (e.g. the 0.5 in GELU). */
  floatScalar(name: string, value: number): string {
    return this.floatTensor(name, [], Float32Array.of(value));
  }

  /** int8 values (quantized weights, zero points); one byte each, as rawData. */
  int8Tensor(name: string, dims: number[], values: Int8Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (values.length !== expected) throw new Error(`${name}: ${values.length} values for dims [${dims}]`);
    this.initializers.push({
      name: this.claim(name),
      dims,
      dataType: DataType.INT8,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice(),
    });
    return name;
  }

  int64Tensor(name: string, dims: number[], values: readonly number[]): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (values.length !== expected) throw new Error(`${name}: ${values.length} values for dims [${dims}]`);
    this.initializers.push({
      name: this.claim(name),
      dims,
      dataType: DataType.INT64,
      rawData: int64Bytes(values),
    });
    return name;
  }

  /**
   * Adds a node; `outputs` are the names it produces (claimed here, so a typo that reuses a
   * name fails at build time rather than as a confusing onnxruntime error).
   */
  node(
    opType: string,
    inputs: string[],
    outputs: string[],
    attributes: Record<string, AttributeValue> = {},
    name?: string,
  ): string[] {
    for (const o of outputs) this.claim(o);
    this.nodes.push({
      name: name ?? `${opType}_${this.nodeCount}`,
      opType,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([k, v]) => toAttributeProto(k, v)),
    });
    this.nodeCount++;
    return outputs;
  }

  /** Single-output convenience: returns the output name. */
  op(
    opType: string,
    inputs: string[],
    output: string,
    attributes: Record<string, AttributeValue> = {},
  ): string {
    return this.node(opType, inputs, [output], attributes)[0] as string;
  }

  /** Serializes the whole model. Field order is fixed by the schema, so equal graphs give equal bytes. */
  toBytes(docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'hippo-model-gen',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: OPSET_VERSION }],
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
