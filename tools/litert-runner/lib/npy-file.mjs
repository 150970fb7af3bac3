// .npy files on disk, read and written a row (leading index) at a time so that memory stays
// bounded however many calibration samples a file holds. Outputs go to a temporary file that is
// renamed into place when complete.

import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { elementCount } from './dtypes.mjs';
import { UsageError } from './errors.mjs';
import { decodeNpyHeader, encodeNpyHeader, headerBytes, NpyError } from './npy.mjs';

/**
 * Opens a .npy file for reading rows.
 * @returns {{path: string, dtype: string, shape: number[], readRows(start: number, count: number): Uint8Array, close(): void}}
 * @throws {UsageError} if the file is missing or not a supported .npy file
 */
export function openNpy(file) {
  let fd;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code ?? e.message}`);
  }
  try {
    const size = fstatSync(fd).size;
    const prefix = readAt(fd, 0, Math.min(size, 12));
    let header;
    try {
      if (prefix.length < 12) throw new NpyError('not a .npy file (too short)');
      header = decodeNpyHeader(readAt(fd, 0, Math.min(size, headerBytes(prefix))));
    } catch (e) {
      if (e instanceof NpyError) throw new UsageError(`${file}: ${e.message}`);
      throw e;
    }
    const { dtype, shape, dataStart, nbytes } = header;
    if (size - dataStart < nbytes) {
      throw new UsageError(`${file}: data is truncated (${size - dataStart} of ${nbytes} bytes)`);
    }
    const rowBytes = shape.length === 0 ? nbytes : nbytes / Math.max(shape[0], 1);
    return {
      path: file,
      dtype,
      shape,
      readRows(start, count) {
        return readAt(fd, dataStart + start * rowBytes, count * rowBytes);
      },
      close() {
        closeSync(fd);
      },
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function readAt(fd, position, length) {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? out : out.subarray(0, done);
}

/**
 * Writes a .npy file row by row into `${file}.tmp-<pid>`; commit() renames it to `file`.
 * The shape (and so the number of rows) is fixed when the writer is made.
 */
export class NpyWriter {
  constructor(file, dtype, shape) {
    this.file = file;
    this.tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
    this.fd = openSync(this.tmp, 'w');
    this.expected = elementCount(shape);
    this.written = 0;
    this.elementBytes = null;
    const header = encodeNpyHeader(dtype, shape);
    writeSync(this.fd, header);
    this.headerLength = header.length;
  }

  /** Appends raw little-endian bytes. */
  write(bytes) {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.written += bytes.length;
  }

  /** Closes the file and moves it into place. */
  commit() {
    closeSync(this.fd);
    this.fd = null;
    renameSync(this.tmp, this.file);
  }

  /** Closes and deletes the temporary file (after a failure). */
  abort() {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.tmp, { force: true });
  }
}
