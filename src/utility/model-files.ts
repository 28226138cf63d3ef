import fs from 'node:fs';
import path from 'node:path';

/** Weight files the worker accepts inside a model folder, best first: fp32, then int8. */
export const MODEL_FILES = ['onnx/model.onnx', 'onnx/model_quantized.onnx'] as const;
/** Files the tokenizer needs beside the weights. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const;

/** The ONNX weights inside a model folder, or null. */
export function findModelFile(dir: string): string | null {
  for (const rel of MODEL_FILES) {
    const file = path.join(dir, rel);
    if (isFile(file)) return file;
  }
  return null;
}

export function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
