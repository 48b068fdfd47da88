// Runtime entry for `require('@precoding-workbook/lib')` from plain Node (tslab notebooks):
// registers tsx's CommonJS hook so the TypeScript sources load directly, with no build step.
require('tsx/cjs');
module.exports = require('./index.ts');
