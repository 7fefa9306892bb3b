// The generation and "Load more…" nodes the History tree has handed to VS Code, indexed for what
// commands ask (every node of a generation, its loaded data). Node objects are reused by id across
// reloads: VS Code matches rows by id, commands hold on to the objects.
import type * as vscode from 'vscode';
import type { Generation } from '../history';
import { FLAT_ID, generationUri, type GenerationNode, type GroupNode, type HistoryNode, type LoadMoreNode } from './tree-nodes';
import type { GroupPager } from './tree-pager';

export class NodeIndex {
  private readonly nodes = new Map<string, GenerationNode>();
  private readonly byGeneration = new Map<string, Set<GenerationNode>>();
  private readonly groupNodes = new Map<string, Set<string>>();
  private readonly moreNodes = new Map<string, LoadMoreNode>();

  /** Loaded generation nodes of a generation id (it may appear in Favorites and its own group). */
  nodesOf(generationId: string): GenerationNode[] {
    return [...(this.byGeneration.get(generationId) ?? [])];
  }

  has(generationId: string): boolean {
    return this.byGeneration.has(generationId);
  }

  /** A loaded generation by id, from any group. */
  loadedGeneration(generationId: string): Generation | undefined {
    return this.byGeneration.get(generationId)?.values().next().value?.generation;
  }

  node(id: string): GenerationNode | undefined {
    return this.nodes.get(id);
  }

  /** Ids of the groups whose rows are indexed. */
  groupIds(): string[] {
    return [...this.groupNodes.keys()];
  }

  /**
   * Rebuilds the group's nodes (reusing objects by id); returns them in display order with the
   * rows whose star or status changed since they were last shown.
   */
  index(group: GroupNode, pager: GroupPager): { nodes: HistoryNode[]; flips: vscode.Uri[] } {
    const owner = group.id === FLAT_ID ? undefined : group;
    const previous = this.groupNodes.get(group.id) ?? new Set<string>();
    const current = new Set<string>();
    const out: HistoryNode[] = [];
    const flips: vscode.Uri[] = [];
    for (const seg of pager.segments) {
      for (const g of seg.items) {
        const id = `${group.id}/${g.id}`;
        if (current.has(id)) continue;
        current.add(id);
        let node = this.nodes.get(id);
        if (node && node.group !== owner) {
          // The group was rebuilt (grouping or filter changed): the row needs the new parent.
          this.unindex(node);
          node = undefined;
        }
        if (node) {
          if (node.generation.isFavorited !== g.isFavorited || node.generation.status !== g.status) flips.push(generationUri(g.id));
          node.generation = g;
        } else {
          node = { kind: 'generation', id, generation: g, group: owner };
          this.nodes.set(id, node);
          let set = this.byGeneration.get(g.id);
          if (!set) this.byGeneration.set(g.id, (set = new Set()));
          set.add(node);
        }
        out.push(node);
      }
      if (seg.hasMore && seg.lastId) {
        const id = `${group.id}/more/${seg.fromTime ?? 'top'}`;
        let more = this.moreNodes.get(id);
        if (more && more.group === owner) more.segment = seg;
        else this.moreNodes.set(id, (more = { kind: 'more', id, group: owner, segment: seg }));
        out.push(more);
      }
    }
    for (const id of previous) {
      if (current.has(id)) continue;
      const node = this.nodes.get(id);
      if (node) this.unindex(node);
    }
    this.groupNodes.set(group.id, current);
    return { nodes: out, flips };
  }

  forgetGroup(groupId: string): void {
    for (const id of this.groupNodes.get(groupId) ?? []) {
      const node = this.nodes.get(id);
      if (node) this.unindex(node);
    }
    this.groupNodes.delete(groupId);
    for (const id of [...this.moreNodes.keys()]) if (id.startsWith(`${groupId}/`)) this.moreNodes.delete(id);
  }

  private unindex(node: GenerationNode): void {
    if (this.nodes.get(node.id) === node) this.nodes.delete(node.id);
    const set = this.byGeneration.get(node.generation.id);
    set?.delete(node);
    if (set && set.size === 0) this.byGeneration.delete(node.generation.id);
  }
}
