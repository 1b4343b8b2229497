// A few VS Code theme colours (Dark Modern, Light Modern), enough for the canvas to be readable in
// preview screenshots. Inside VS Code the real theme's variables are injected instead.
export type ThemeName = 'dark' | 'light';

const common = { 'font-family': 'sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace' };

export const THEMES: Record<ThemeName, { bodyClass: string; vars: Record<string, string> }> = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      ...common, foreground: '#cccccc', 'editor-background': '#1f1f1f', 'editorWidget-background': '#202020', 'editorWidget-border': '#454545',
      'descriptionForeground': '#9d9d9d', focusBorder: '#0078d4', 'editorLineNumber-foreground': '#6e7681', 'sideBar-background': '#181818',
      'charts-blue': '#3794ff', 'charts-purple': '#b180d7', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-yellow': '#cca700',
      'charts-red': '#f14c4c', 'terminal-ansiCyan': '#11a8cd', errorForeground: '#f85149', 'editorWarning-foreground': '#cca700',
      'testing-iconPassed': '#73c991', 'testing-iconFailed': '#f14c4c', 'testing-iconQueued': '#cca700', 'list-hoverBackground': '#2a2d2e',
      'inputValidation-warningBackground': '#352a05', 'inputValidation-warningBorder': '#b89500', 'input-background': '#313131', 'input-foreground': '#cccccc',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      ...common, foreground: '#3b3b3b', 'editor-background': '#ffffff', 'editorWidget-background': '#f8f8f8', 'editorWidget-border': '#c8c8c8',
      'descriptionForeground': '#717171', focusBorder: '#005fb8', 'editorLineNumber-foreground': '#6e7681', 'sideBar-background': '#f8f8f8',
      'charts-blue': '#1a85ff', 'charts-purple': '#652d90', 'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-yellow': '#bf8803',
      'charts-red': '#e51400', 'terminal-ansiCyan': '#0598bc', errorForeground: '#e51400', 'editorWarning-foreground': '#bf8803',
      'testing-iconPassed': '#388a34', 'testing-iconFailed': '#e51400', 'testing-iconQueued': '#bf8803', 'list-hoverBackground': '#f2f2f2',
      'inputValidation-warningBackground': '#f6f5d2', 'inputValidation-warningBorder': '#b89500', 'input-background': '#ffffff', 'input-foreground': '#3b3b3b',
    },
  },
};
