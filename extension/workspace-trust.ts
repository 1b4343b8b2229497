import * as vscode from 'vscode';

/**
 * Anything that executes workspace code or queries workspace data goes through here. Language
 * features do not: reading and checking text is safe in an untrusted folder.
 */
export async function ensureTrusted(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const pick = await vscode.window.showWarningMessage(
    `MLPipe does not ${action} in an untrusted workspace: it would run code or read data from this folder.`,
    manage,
  );
  if (pick === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
