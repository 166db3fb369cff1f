/**
 * What an uploaded spreadsheet (an .xlsx: a zip of XML parts) may cost the API before it is refused. An
 * .xlsx is a zip archive, so a small upload can unpack to gigabytes (a zip bomb) or describe a tiny file
 * whose parsing never ends (a merged range over a whole sheet). See docs/security.md, 恶意输入.
 */
export interface SpreadsheetLimits {
  /** Sum of the entries' uncompressed sizes, as declared and as actually inflated. */
  maxUncompressedBytes: number;
  /** Uncompressed ÷ compressed of one entry, checked for entries above `ratioFloorBytes`. */
  maxRatio: number;
  /** Entries smaller than this (uncompressed) are not held to `maxRatio`: they cannot hurt anyway. */
  ratioFloorBytes: number;
  /** Entries (files and folders) in the archive. */
  maxEntries: number;
  /** Rows over all sheets, and the highest row number any row or cell names. */
  maxRows: number;
  /** Cells over all sheets. */
  maxCells: number;
  /** Highest column a column definition (`<col min max>`) names: exceljs makes an object for each. */
  maxColumns: number;
  /** Merged ranges over all sheets (exceljs compares each with every other). */
  maxMerges: number;
  /** Cells covered by merged ranges and the ranges of defined names, all together (exceljs visits each). */
  maxRangeCells: number;
  /** Wall time in the worker for the inspection, and again for the parse (loading code is not counted). */
  timeMs: number;
  /** The worker's heap (old generation); past it the worker dies and the file is refused. */
  heapMb: number;
}

export const DEFAULT_SPREADSHEET_LIMITS: SpreadsheetLimits = {
  maxUncompressedBytes: 20 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
  maxEntries: 1000,
  maxRows: 10_000,
  maxCells: 100_000,
  maxColumns: 16_384,
  maxMerges: 1000,
  maxRangeCells: 100_000,
  timeMs: 5000,
  heapMb: 256,
};

/** How many spreadsheets are parsed at once (each in its own worker); more wait, up to `MAX_WAITING`. */
export const MAX_PARALLEL_PARSES = 2;
export const MAX_WAITING_PARSES = 8;

export type LimitName =
  | 'uncompressed'
  | 'ratio'
  | 'entries'
  | 'rows'
  | 'cells'
  | 'columns'
  | 'merges'
  | 'ranges'
  | 'time'
  | 'memory';

/** `20 MB`, `1.5 MB`, `512 kB`. */
export const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024
    ? `${Number((bytes / (1024 * 1024)).toFixed(1))}MB`
    : `${Number((bytes / 1024).toFixed(1))}KB`;

/** The user-facing sentence (zh-CN) naming the limit a file went past. */
export function limitMessage(limit: LimitName, l: SpreadsheetLimits): string {
  switch (limit) {
    case 'uncompressed':
      return `文件解压后超过${formatBytes(l.maxUncompressedBytes)}，已拒绝`;
    case 'ratio':
      return `文件中有内容的压缩比超过${l.maxRatio}倍（疑似压缩炸弹），已拒绝`;
    case 'entries':
      return `文件包含的条目超过${l.maxEntries}个，已拒绝`;
    case 'rows':
      return `工作表超过${l.maxRows}行，已拒绝`;
    case 'cells':
      return `工作表的单元格超过${l.maxCells}个，已拒绝`;
    case 'columns':
      return `工作表超过${l.maxColumns}列，已拒绝`;
    case 'merges':
      return `合并单元格超过${l.maxMerges}处，已拒绝`;
    case 'ranges':
      return `合并单元格或名称引用的区域超过${l.maxRangeCells}个单元格，已拒绝`;
    case 'time':
      return `文件解析超过${Number((l.timeMs / 1000).toFixed(1))}秒，已拒绝`;
    case 'memory':
      return `文件解析所需内存超过${l.heapMb}MB，已拒绝`;
  }
}

/**
 * Why a spreadsheet was refused: `limit` (it would cost more than a limit allows: 413) or `malformed`
 * (its zip structure is broken, encrypted, or lies about its sizes: 400). The message is user-facing.
 */
export class SpreadsheetRefusal extends Error {
  constructor(
    readonly kind: 'limit' | 'malformed',
    message: string,
    /** The limit gone past, for `limit`. */
    readonly limit?: LimitName,
  ) {
    super(message);
    this.name = 'SpreadsheetRefusal';
  }

  static over(limit: LimitName, l: SpreadsheetLimits): SpreadsheetRefusal {
    return new SpreadsheetRefusal('limit', limitMessage(limit, l), limit);
  }

  static malformed(message: string): SpreadsheetRefusal {
    return new SpreadsheetRefusal('malformed', message);
  }
}

/** The wording of every malformed-archive refusal starts the same way. */
export const NOT_A_WORKBOOK = '文件不是有效的Excel工作簿（.xlsx）';
