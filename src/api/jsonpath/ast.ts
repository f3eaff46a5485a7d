/**
 * Syntax tree of a Kubernetes JSONPath template (client-go util/jsonpath): a template is a
 * list of text and `{…}` actions; each action is a list of nodes applied left to right.
 */
export interface ListNode { type: 'list'; nodes: JsonPathNode[] }

/** One bound of `[start:end:step]`; `derived` marks the end computed from a bare `[n]`. */
export interface SliceParam { value: number; known: boolean; derived: boolean }

export type JsonPathNode =
  | ListNode
  | { type: 'text'; text: string }
  | { type: 'field'; name: string }
  | { type: 'array'; params: readonly [SliceParam, SliceParam, SliceParam] }
  | { type: 'filter'; left: ListNode; right: ListNode; operator: string }
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'union'; lists: ListNode[] }
  | { type: 'identifier'; name: string };

export interface JsonPathTemplate {
  /** The template text as given. */
  source: string;
  root: ListNode;
}
