import * as vscode from 'vscode';

/** Diagnostic source of data findings (language-server/data/data-checks.ts). */
const DATA_SOURCE = 'mlpipe-data';

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
    // The pipeline's own state (text) comes first; what its data checks found is appended, so
    // "valid" still means the file is a correct pipeline while its data may fail expectations.
    const all = vscode.languages.getDiagnostics(doc.uri);
    const diags = all.filter((d) => d.source !== DATA_SOURCE);
    const dataIssues = all.filter((d) => d.source === DATA_SOURCE && d.severity === vscode.DiagnosticSeverity.Error).length;
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
    if (dataIssues) this.item.text += ` · $(database) ${plural(dataIssues, 'data check')} failed`;
    this.item.tooltip = `${doc.uri.path.split('/').pop()}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${dataIssues ? `, ${plural(dataIssues, 'failed data check')}` : ''}. Click for the Problems panel.`;
    this.item.show();
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
