// The runtime helpers one generated module uses, collected while its code is generated and
// imported from @fraise/runtime in one line. Names are checked against runtime/generated.ts, so a
// helper the runtime does not export does not compile.
import type * as Generated from '../../runtime/generated.js';

/** A value export of runtime/generated.ts. */
export type RuntimeHelper = keyof typeof Generated;

export class RuntimeImports {
  readonly #used = new Set<string>();

  /** Marks a helper as used and returns its name, for the generated code. */
  use<N extends RuntimeHelper>(name: N): N {
    this.#used.add(name);
    return name;
  }

  /** Marks a type of the runtime as used (a type-only import). */
  type(name: string): string {
    this.#used.add(`type ${name}`);
    return name;
  }

  /** The import declaration of every helper used, sorted (one line). */
  declaration(alsoTypes: readonly string[]): string {
    const names = [...new Set([...alsoTypes.map((t) => `type ${t}`), ...this.#used])];
    names.sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')));
    return `import { ${names.join(', ')} } from '@fraise/runtime';`;
  }
}
