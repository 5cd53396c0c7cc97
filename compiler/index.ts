// The compiler's programmatic API (the CLI is a thin wrapper over it).
export { compileProject } from './compile.js';
export { operationBody, statementName } from './operationIdentity.js';
export type { CompileOptions, CompileResult } from './compile.js';
export { CompileFailure, formatDiagnostic } from './diagnostics.js';
export type { Diagnostic, SourceLocation } from './diagnostics.js';
export { writeOutputFolder } from './emit/writeOutput.js';
export { readMetadata } from './metadata/readMetadata.js';
export { readMetadataFile } from './metadata/snapshotFile.js';
export { serializeMetadata } from './metadata/normalize.js';
export type {
  ColumnInfo,
  DatabaseMetadata,
  EnumInfo,
  FunctionArgument,
  FunctionInfo,
  IndexInfo,
  RelationInfo,
} from './metadata/types.js';
export { DIAGNOSTIC_CODES } from './diagnosticCodes.js';
export type { Naming, OutputKind } from './config/types.js';
export { createDocumentCompiler } from './documentCompiler.js';
export type { DocumentCompilerOptions } from './documentCompiler.js';
