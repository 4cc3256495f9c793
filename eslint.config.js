// ESLint flat config: typescript-eslint's recommended rules; eslint-config-prettier last, so that formatting is
// Prettier's alone and the two never disagree.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier/flat';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Generated or vendored; reports/ is the suite's output.
  globalIgnores(['reports/', 'sandbox/flux-crds/', 'sandbox/template-repo/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  prettier,
);
