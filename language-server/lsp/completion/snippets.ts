import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver';
import { KEYWORD_DOCS } from '../../schema/keyword-docs.js';

const snippet = (label: string, body: string, detail: string, keyword = label.split(' ')[0]): CompletionItem => ({
  label, kind: CompletionItemKind.Snippet, detail, insertText: body, insertTextFormat: InsertTextFormat.Snippet,
  documentation: { kind: 'markdown', value: KEYWORD_DOCS[keyword] ?? '' }, filterText: keyword,
});

export const TOP_LEVEL_SNIPPETS: CompletionItem[] = [
  snippet('pipeline', 'pipeline ${1:name} "${2:What it predicts}" {\n\t$0\n}', 'a pipeline'),
  snippet('target ssh', 'target ${1:gpu}: ssh {\n\thost "${2:gpu-box}"\n\tuser "${3:ml}"\n\tworkdir "${4:~/mlpipe}"\n}', 'a remote host', 'target'),
  snippet('target slurm', 'target ${1:cluster}: slurm {\n\tlogin "${2:login.cluster}"\n\tpartition "${3:gpu}"\n}', 'a Slurm cluster', 'target'),
  snippet('target local', 'target ${1:laptop}: local {}', 'this machine', 'target'),
];

export const MEMBER_SNIPPETS: CompletionItem[] = [
  snippet('param', 'param ${1:name}: ${2|float,int,string,bool,duration,size|} = ${3:0}', 'a typed param'),
  snippet('source', 'source ${1:name} {\n\tpath "${2:data/file.csv}"\n}', 'a data source'),
  snippet('features', 'features ${1:name} {\n\tentity ${2:id}\n\ttimestamp ${3:event_at}\n\tfrom ${4:source}\n\tfeature ${5:value}: ${6:double}\n}', 'a feature view'),
  snippet('training_set', 'training_set ${1:name} {\n\tlabels ${2:labels}\n\tlabel_time ${3:label_at}\n\tentity ${4:id}\n\tfeatures [${5}]\n}', 'a training set'),
  snippet('step', 'step ${1:name}: ${2|python,sql,notebook,shell,node,evaluate|} {\n\t$0\n}', 'a step'),
  snippet('model', 'model ${1:name} {\n\tfrom ${2:train.model}\n}', 'a registered model'),
  snippet('deploy', 'deploy ${1:name} {\n\tmodel ${2:model}@${3:champion}\n\tport ${4:8080}\n}', 'a deployment'),
  snippet('monitor', 'monitor ${1:name} {\n\treference ${2:train_data}\n\tcurrent ${3:events}\n\tmethod ${4|auto,psi,ks,wasserstein,jensenshannon,chisquare,z|}\n}', 'a drift monitor'),
  snippet('target', 'target ${1:name}: ${2|local,ssh,slurm|} {\n\t$0\n}', 'a target'),
];
