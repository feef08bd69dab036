import tseslint from 'typescript-eslint';

const PROCESS_AND_VSCODE = [
  { name: 'vscode', message: 'Only src/extension imports vscode.' },
  { name: 'node:child_process', message: 'Only src/host runs processes.' },
  { name: 'child_process', message: 'Only src/host runs processes.' },
  { name: 'execa', message: 'Only src/host runs processes.' },
];

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
    // Only src/extension may import vscode; only src/host runs processes.
    files: ['src/server/**', 'src/cli/**', 'src/engine/**', 'webview/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: PROCESS_AND_VSCODE }],
    },
  },
  {
    // The pure core: no processes, no vscode, and nothing from the folders that have them (src/engine
    // drives src/host's transports), so that every function here runs anywhere, on plain data.
    files: ['src/model/**', 'src/language/**', 'src/plan/**', 'src/diagram/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: PROCESS_AND_VSCODE,
        patterns: [{
          group: ['**/host', '**/host/**', '**/engine', '**/engine/**', '**/extension', '**/extension/**', '**/cli', '**/cli/**', '**/webview', '**/webview/**'],
          message: 'src/model, src/language, src/plan and src/diagram are pure: they import nothing from src/host, src/engine, src/extension, src/cli or webview/.',
        }],
      }],
    },
  },
  {
    // The trace engine reads the model only: it runs on any Topology, whoever made it.
    files: ['src/trace/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: PROCESS_AND_VSCODE,
        patterns: [{
          group: ['**/host', '**/host/**', '**/engine', '**/engine/**', '**/extension', '**/extension/**', '**/cli', '**/cli/**', '**/webview', '**/webview/**', '**/language', '**/language/**', '**/plan', '**/plan/**', '**/diagram', '**/diagram/**'],
          message: 'src/trace is pure and reads only src/model.',
        }],
      }],
    },
  },
);
