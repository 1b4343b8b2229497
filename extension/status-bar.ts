import * as vscode from 'vscode';

/** Shows the validation state of the active `.mlpipe` document: errors, warnings or a check mark. */
export class ValidationStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mlpipe.validation', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.item.name = 'MLPipe validation';
    this.item.command = 'workbench.actions.view.problems';
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) this.update();
      }),
    );
    this.update();
  }

  /** Text currently shown, for tests and logs. */
  get text(): string {
    return this.item.text;
  }

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc?.languageId !== 'mlpipe') {
      this.item.hide();
      return;
    }
    const diags = vscode.languages.getDiagnostics(doc.uri);
    const errors = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
    const warnings = diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    if (errors) {
      this.item.text = `$(error) MLPipe: ${plural(errors, 'error')}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (warnings) {
      this.item.text = `$(warning) MLPipe: ${plural(warnings, 'warning')}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      this.item.text = '$(check) MLPipe: valid';
      this.item.backgroundColor = undefined;
    }
    this.item.tooltip = `${doc.uri.path.split('/').pop()}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}. Click for the Problems panel.`;
    this.item.show();
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
