// fraise/runtime: the runtime package @fraise/runtime, re-exported so that code written against the
// single-package layout keeps working. Production installs @fraise/runtime alone (pg is its peer).
export * from '@fraise/runtime';
