/**
 * The compiler options a strict user project adds to ours: those of
 * `@tsconfig/strictest` and more. A project that imports the library's
 * source checks the library's files with them; one that installs the npm
 * package checks its declarations with them.
 *
 * @module
 */

/**
 * The options, each on; valid as `tsconfig.json`'s `compilerOptions` and
 * as the API's `CompilerOptions` alike.
 */
export const strictestOptions = {
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  noImplicitOverride: true,
  noPropertyAccessFromIndexSignature: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
} as const;
