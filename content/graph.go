package content

import (
	"slices"
	"sort"
)

// checkGraph walks every position a person can reach (by buttons, by "Direct hulp", and by a
// typed message) and checks each: no dead ends, route pages with routes, and the emergency
// route reachable from everywhere.
func (l *loader) checkGraph(f *Flow) {
	file := f.file
	edges := map[string][]string{} // position id -> next position ids
	positions := map[string]Position{}
	var queue []Position
	visit := func(p Position) {
		if _, ok := positions[p.ID()]; !ok {
			positions[p.ID()] = p
			queue = append(queue, p)
		}
	}
	for _, entry := range l.b.Entries(f) {
		p, err := f.Resolve(entry)
		if err != nil {
			l.problem(file, nil, "%v", err)
			return
		}
		visit(p)
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, o := range f.Options(p) {
			next, err := f.Resolve(o.apply(p))
			if err != nil {
				l.problem(file, path_("nodes", p.Node), "%v", err)
				continue
			}
			edges[p.ID()] = append(edges[p.ID()], next.ID())
			visit(next)
		}
	}

	reached := map[string]bool{}
	for _, p := range positions {
		reached[p.Node] = true
	}
	for name := range f.Nodes {
		if !reached[name] {
			l.problem(file, path_("nodes", name), "node %q cannot be reached", name)
		}
	}

	// Reverse walk from every urgent position: which positions can reach the emergency route?
	reverse := map[string][]string{}
	for from, tos := range edges {
		for _, to := range tos {
			reverse[to] = append(reverse[to], from)
		}
	}
	canReachUrgent := map[string]bool{}
	var stack []string
	for id, p := range positions {
		if p.Node == f.Urgent {
			canReachUrgent[id] = true
			stack = append(stack, id)
		}
	}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, from := range reverse[id] {
			if !canReachUrgent[from] {
				canReachUrgent[from] = true
				stack = append(stack, from)
			}
		}
	}

	ids := make([]string, 0, len(positions))
	for id := range positions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	reportedNode := map[string]bool{}
	once := func(p Position, format string, args ...any) {
		key := p.Node + format
		if reportedNode[key] {
			return
		}
		reportedNode[key] = true
		l.problem(file, path_("nodes", p.Node), format, args...)
	}
	for _, id := range ids {
		p := positions[id]
		n := f.Nodes[p.Node]
		routes := l.b.RoutesFor(f, p)
		if len(f.Options(p)) == 0 && len(routes) == 0 {
			once(p, "node %q is a dead end at %s: no options and no routes", p.Node, id)
		}
		if n.Routing && len(routes) == 0 {
			once(p, "route page %q has no routes at %s: add a routing rule", p.Node, id)
		}
		if !canReachUrgent[id] {
			once(p, "the emergency route (node %q) cannot be reached from %s", f.Urgent, id)
		}
	}
}

// Entries are the positions a conversation can start from: the start node, "Direct hulp", and
// every position a typed message can lead to.
func (b *Bundle) Entries(f *Flow) []Position {
	entries := []Position{{Node: f.Start, State: State{}}, {Node: f.Urgent, State: State{}}}
	wheres := append([]string{""}, b.IDs("where")...)
	for _, kind := range b.IDs("urgent") {
		entries = append(entries, Position{Node: f.Urgent, State: State{"urgent": kind}})
		if node := f.Ask[kind]; node != "" {
			entries = append(entries, Position{Node: node, State: State{}})
		}
	}
	for _, w := range wheres {
		for _, theme := range b.IDs("theme") {
			entries = append(entries, b.MessagePosition(f, theme, w, ""))
		}
		entries = append(entries, b.MessagePosition(f, "", w, ""))
	}
	return entries
}

// MessagePosition is where a typed message continues: the urgent node when urgent, the answer
// page when the theme is known, else the start.
func (b *Bundle) MessagePosition(f *Flow, theme, where, urgent string) Position {
	s := State{}
	for k, v := range map[string]string{"theme": theme, "where": where, "urgent": urgent} {
		if v != "" {
			s[k] = v
		}
	}
	switch {
	case urgent != "":
		return Position{Node: f.Urgent, State: s}
	case theme != "":
		return Position{Node: f.StoryNode(), State: s}
	default:
		return Position{Node: f.Start, State: s}
	}
}

// RoutesFor returns the route ids shown at a position, in order and without repeats: the
// matching variants' routes (or, when none has routes, the node's own), then (on a route page)
// the routing rules'. So the suicide answer shows 113 and 112, not every emergency card.
func (b *Bundle) RoutesFor(f *Flow, p Position) []string {
	n := f.Nodes[p.Node]
	var ids []string
	add := func(more []string) {
		for _, id := range more {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	for _, v := range n.Variants {
		if v.When.Match(f.Audience, p.State) {
			add(v.Routes)
		}
	}
	if len(ids) == 0 {
		add(n.Routes) // the node's own routes are for states no variant speaks to
	}
	if n.Routing {
		for _, r := range b.Routing.Rules {
			if r.When.Match(f.Audience, p.State) {
				add(r.Routes)
			}
		}
	}
	return ids
}
