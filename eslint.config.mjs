import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'out/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name=/^(execSync|spawnSync|execFileSync)$/]", message: 'No synchronous process calls.' },
      ],
    },
  },
  {
    // Only src/extension may import vscode; only src/host may run processes.
    files: ['src/model/**', 'src/language/**', 'src/plan/**', 'src/server/**', 'src/cli/**', 'webview/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'Only src/extension imports vscode.' },
          { name: 'node:child_process', message: 'Only src/host runs processes.' },
          { name: 'child_process', message: 'Only src/host runs processes.' },
          { name: 'execa', message: 'Only src/host runs processes.' },
        ],
      }],
    },
  },
);
