/**
 * What the MAT readers (matV5.ts for level 5, matV73.ts for -v7.3/HDF5) hand to the channel loader:
 * numeric MATLAB arrays as column-major float64 data with their MATLAB dims.
 */

/** MATLAB numeric classes the readers accept (MathWorks "MAT-File Format", Table 1-3, mxDOUBLE_CLASS … mxUINT64_CLASS). */
export type MatNumericClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

export const MAT_NUMERIC_CLASSES: readonly MatNumericClass[] = ['double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'];

/** One numeric variable: element (i0, i1, …) is at i0 + d0·i1 + d0·d1·i2 + … (MATLAB column-major order). */
export interface MatArray {
  name: string;
  className: MatNumericClass;
  /** MATLAB dims (rank ≥ 2; MATLAB drops trailing singleton axes beyond the second) */
  dims: number[];
  re: Float64Array;
  /** null for real arrays */
  im: Float64Array | null;
}

/** The variables a reader found (in file order) and the numeric arrays it decoded (only those asked for). */
export interface MatContents {
  names: string[];
  arrays: Map<string, MatArray>;
}

/** Limits on what a reader may allocate. */
export interface MatReadLimits {
  /** largest decoded size of one variable (and of one inflated compressed element), bytes */
  maxBytes: number;
}

/** 1 GiB: far above any channel set a notebook handles, far below what would take the machine down. */
export const DEFAULT_MAT_MAX_BYTES = 2 ** 30;
