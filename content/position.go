package content

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// StateDimensions are the taxonomy dimensions a conversation's state may hold.
var StateDimensions = []string{"theme", "where", "involved", "urgent"}

// Position is where a conversation is: a node and the state gathered on the way. Its ID is what
// the client carries between steps, so the guide itself keeps no session.
type Position struct {
	Node  string
	State State
}

// ID encodes the position as "node" or "node?theme=pesten&where=school" (keys sorted).
func (p Position) ID() string {
	if len(p.State) == 0 {
		return p.Node
	}
	v := url.Values{}
	for k, val := range p.State {
		v.Set(k, val)
	}
	return p.Node + "?" + v.Encode()
}

// ErrUnknownNode is returned for a node id that the flow does not have.
var ErrUnknownNode = errors.New("unknown node")

// ErrUnknownChoice is returned for a choice that the node does not offer.
var ErrUnknownChoice = errors.New("the node does not offer that choice")

// ParsePosition decodes a node id of the flow, checking the node and every state value.
func (b *Bundle) ParsePosition(f *Flow, id string) (Position, error) {
	node, query, _ := strings.Cut(id, "?")
	if f.Nodes[node] == nil {
		return Position{}, ErrUnknownNode
	}
	p := Position{Node: node, State: State{}}
	if query == "" {
		return p, nil
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return Position{}, ErrUnknownNode
	}
	for k, vs := range values {
		if len(vs) != 1 || !slices.Contains(StateDimensions, k) || !b.Known(k, vs[0]) {
			return Position{}, ErrUnknownNode
		}
		p.State[k] = vs[0]
	}
	return p, nil
}

// Match reports whether the condition holds for a flow's audience and a state.
func (c Condition) Match(audience string, s State) bool {
	for k, want := range c {
		got := s[k]
		if k == "audience" {
			got = audience
		} else if got == "" {
			got = Unset
		}
		if !slices.Contains(want, got) {
			return false
		}
	}
	return true
}

// StoryNode is the node a typed story continues from once its theme is known.
func (f *Flow) StoryNode() string {
	if f.Story != "" {
		return f.Story
	}
	return f.Answer
}

// Asks reports whether some node of the flow asks the dimension.
func (f *Flow) Asks(dimension string) bool {
	for _, n := range f.Nodes {
		if n.Asks == dimension {
			return true
		}
	}
	return false
}

// Options returns the node's options that apply in the state.
func (f *Flow) Options(p Position) []*Option {
	n := f.Nodes[p.Node]
	var out []*Option
	for _, o := range n.Options {
		if o.When.Match(f.Audience, p.State) {
			out = append(out, o)
		}
	}
	return out
}

// Resolve follows nodes that ask for something the state already holds, so that a person is
// never asked twice (for example after typing a message that named the theme).
func (f *Flow) Resolve(p Position) (Position, error) {
	for range len(f.Nodes) + 1 {
		n := f.Nodes[p.Node]
		if n == nil {
			return Position{}, fmt.Errorf("%w: %q", ErrUnknownNode, p.Node)
		}
		have := p.State[n.Asks]
		if n.Asks == "" || have == "" {
			return p, nil
		}
		var next *Option
		for _, o := range f.Options(p) {
			if o.Set[n.Asks] == have {
				next = o
				break
			}
		}
		if next == nil {
			return p, nil
		}
		p = next.apply(p)
	}
	return Position{}, fmt.Errorf("node %q: the flow loops while resolving", p.Node)
}

// Choose takes the option with id choice at p and returns the resolved position it leads to.
func (f *Flow) Choose(p Position, choice string) (Position, error) {
	for _, o := range f.Options(p) {
		if o.ID == choice {
			return f.Resolve(o.apply(p))
		}
	}
	return Position{}, ErrUnknownChoice
}

// apply returns the position the option leads to, with its values added to the state.
func (o *Option) apply(p Position) Position {
	s := make(State, len(p.State)+len(o.Set))
	if !o.Reset {
		for k, v := range p.State {
			s[k] = v
		}
	}
	for k, v := range o.Set {
		s[k] = v
	}
	return Position{Node: o.Next, State: s}
}

// UnmarshalYAML lets a condition name one value (theme: pesten) or a list (theme: [pesten, agressie]).
func (c *Condition) UnmarshalYAML(unmarshal func(any) error) error {
	var raw map[string]any
	if err := unmarshal(&raw); err != nil {
		return err
	}
	*c = Condition{}
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			(*c)[k] = []string{v}
		case []any:
			for _, item := range v {
				s, ok := item.(string)
				if !ok {
					return fmt.Errorf("condition %q: %v is not a text", k, item)
				}
				(*c)[k] = append((*c)[k], s)
			}
		default:
			return fmt.Errorf("condition %q: want a value or a list of values", k)
		}
	}
	return nil
}
