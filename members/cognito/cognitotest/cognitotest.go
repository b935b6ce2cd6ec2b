// Package cognitotest is a Cognito user pools endpoint on loopback for tests: it speaks the
// service's JSON 1.1 protocol to the real SDK client for the five calls the members directory
// makes, over a small pool (fixtures/: a ListUsers response and the groups' members). There is
// no Cognito emulator to run here (no moto, no Docker), so this is the boundary the directory is
// tested at: the SDK's requests and the service's documented response shapes, not a real pool.
package cognitotest

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

//go:embed fixtures
var fixtures embed.FS

// PoolID is the fake pool's id.
const PoolID = "eu-west-1_EXAMPLE"

// The subjects of the fixture's accounts. Own* sign in at "voorbeeldschool" (domain
// voorbeeldschool.example), Other* at another school; Spoofer is a pool account that wrote the
// school's domain itself; Sector has no institution.
const (
	OwnFederated   = "b2c4e6f8-1a3b-4c5d-8e9f-0a1b2c3d4e5f" // SURFconext, group handler
	OwnAdmin       = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" // operator-made, group admin
	OtherFederated = "c3d5e7f9-2b4c-4d6e-9f0a-1b2c3d4e5f60"
	OtherAdmin     = "1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e"
	Spoofer        = "2c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f"
	Sector         = "3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a"
)

// Call is one request that changed the pool.
type Call struct{ Op, Username, Group string }

// Pool is the fake pool.
type Pool struct {
	URL string

	mu     sync.Mutex
	users  []json.RawMessage
	subs   map[string]string // username → sub
	groups map[string][]string
	calls  []Call
	ops    []string
}

// Start serves the pool until the test ends.
func Start(tb testing.TB) *Pool {
	tb.Helper()
	var list struct{ Users []json.RawMessage }
	p := &Pool{subs: map[string]string{}}
	for name, v := range map[string]any{"fixtures/users.json": &list, "fixtures/groups.json": &p.groups} {
		raw, err := fixtures.ReadFile(name)
		if err == nil {
			err = json.Unmarshal(raw, v)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	p.users = list.Users
	for _, u := range p.users {
		var user struct {
			Username   string
			Attributes []struct{ Name, Value string }
		}
		_ = json.Unmarshal(u, &user)
		for _, a := range user.Attributes {
			if a.Name == "sub" {
				p.subs[user.Username] = a.Value
			}
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	tb.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// Client is the real SDK client, pointed at the pool.
func (p *Pool) Client() *cip.Client {
	return cip.New(cip.Options{Region: "eu-west-1", BaseEndpoint: aws.String(p.URL),
		Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
}

// Changes are the calls that changed groups, in order.
func (p *Pool) Changes() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

// Ops are the operations called, in order.
func (p *Pool) Ops() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.ops)
}

// GroupsOf are the groups of the account with the subject.
func (p *Pool) GroupsOf(sub string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for g, names := range p.groups {
		for _, n := range names {
			if p.subs[n] == sub {
				out = append(out, g)
			}
		}
	}
	slices.Sort(out)
	return out
}

func (p *Pool) serve(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
	raw, _ := io.ReadAll(r.Body)
	var in struct {
		UserPoolId, Username, GroupName, Filter string
		Limit                                   int
		PaginationToken, NextToken              string
	}
	if !ok || r.Method != http.MethodPost || json.Unmarshal(raw, &in) != nil {
		fail(w, "InvalidParameterException", "not a Cognito user pools request")
		return
	}
	if in.UserPoolId != PoolID {
		fail(w, "ResourceNotFoundException", "User pool "+in.UserPoolId+" does not exist.")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ops = append(p.ops, op)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch op {
	case "ListUsers":
		users := p.users
		if in.Filter != "" {
			sub, ok := strings.CutPrefix(in.Filter, `sub = "`)
			sub, ok2 := strings.CutSuffix(sub, `"`)
			if !ok || !ok2 || strings.Contains(sub, `"`) {
				fail(w, "InvalidParameterException", "unsupported filter "+in.Filter)
				return
			}
			users = nil
			for _, u := range p.users {
				if p.sub(u) == sub {
					users = append(users, u)
				}
			}
		}
		// Pages of three, so that the directory must follow PaginationToken.
		start, _ := strconv.Atoi(in.PaginationToken)
		end := min(start+3, len(users))
		out := map[string]any{"Users": users[start:end]}
		if end < len(users) {
			out["PaginationToken"] = strconv.Itoa(end)
		}
		_ = json.NewEncoder(w).Encode(out)
	case "ListUsersInGroup":
		names, ok := p.groups[in.GroupName]
		if !ok {
			fail(w, "ResourceNotFoundException", "Group not found.")
			return
		}
		var users []json.RawMessage
		for _, u := range p.users {
			if slices.Contains(names, p.username(u)) {
				users = append(users, u)
			}
		}
		start, _ := strconv.Atoi(in.NextToken)
		end := min(start+1, len(users)) // pages of one
		out := map[string]any{"Users": users[start:end]}
		if end < len(users) {
			out["NextToken"] = strconv.Itoa(end)
		}
		_ = json.NewEncoder(w).Encode(out)
	case "AdminListGroupsForUser":
		if _, ok := p.subs[in.Username]; !ok {
			fail(w, "UserNotFoundException", "User does not exist.")
			return
		}
		groups := []map[string]any{}
		for g, names := range p.groups {
			if slices.Contains(names, in.Username) {
				groups = append(groups, map[string]any{"GroupName": g, "UserPoolId": PoolID, "Precedence": 1})
			}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"Groups": groups})
	case "AdminAddUserToGroup", "AdminRemoveUserFromGroup":
		names, ok := p.groups[in.GroupName]
		if _, user := p.subs[in.Username]; !ok || !user {
			fail(w, "ResourceNotFoundException", "Group or user not found.")
			return
		}
		p.calls = append(p.calls, Call{op, in.Username, in.GroupName})
		if op == "AdminAddUserToGroup" && !slices.Contains(names, in.Username) {
			p.groups[in.GroupName] = append(names, in.Username)
		} else if op == "AdminRemoveUserFromGroup" {
			p.groups[in.GroupName] = slices.DeleteFunc(names, func(n string) bool { return n == in.Username })
		}
		_, _ = io.WriteString(w, "{}")
	default:
		fail(w, "UnknownOperationException", op)
	}
}

func (p *Pool) username(u json.RawMessage) string {
	var user struct{ Username string }
	_ = json.Unmarshal(u, &user)
	return user.Username
}

func (p *Pool) sub(u json.RawMessage) string { return p.subs[p.username(u)] }

func fail(w http.ResponseWriter, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `{"__type":%q,"message":%q}`, typ, msg)
}
