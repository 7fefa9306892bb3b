export function printTable(head: string[], rows: Array<Array<string | number>>, indent?: string): void;
