package content

import (
	"net/url"
	"testing"
)

// A position's ID is the node and its state as a query string, keys sorted and escaped, so that
// the same place in the conversation always has the same ID and the client can carry it back.
func TestPositionID(t *testing.T) {
	for _, tc := range []struct {
		p    Position
		want string
	}{
		{Position{Node: "start"}, "start"},
		{Position{Node: "start", State: State{}}, "start"},
		{Position{Node: "route", State: State{"where": "school", "theme": "pesten"}}, "route?theme=pesten&where=school"},
		{Position{Node: "urgent", State: State{"urgent": "suicide", "theme": "", "involved": "a&b=c d"}}, "urgent?involved=a%26b%3Dc+d&theme=&urgent=suicide"},
	} {
		if got := tc.p.ID(); got != tc.want {
			t.Errorf("%+v: ID %q, want %q", tc.p, got, tc.want)
		}
		// the same as url.Values would write it
		v := url.Values{}
		for k, val := range tc.p.State {
			v.Set(k, val)
		}
		if enc := v.Encode(); len(tc.p.State) > 0 && tc.p.Node+"?"+enc != tc.p.ID() {
			t.Errorf("%+v: ID %q, url.Values %q", tc.p, tc.p.ID(), enc)
		}
	}
}
