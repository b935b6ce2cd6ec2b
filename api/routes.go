package api

import "net/http"

// Lambda functions. Each route belongs to one; the CDK app makes one function per name and the
// local binary serves them all.
const (
	FunctionWegwijzer = "wegwijzer"
	FunctionMeldpunt  = "meldpunt"
)

// Route is one entry of the route table that the local mux, the Lambda functions and the CDK
// app's API Gateway routes are all made from, so that they cannot drift apart.
type Route struct {
	Method string
	// Path is a net/http ServeMux pattern and an API Gateway route path at once ("{id}").
	Path     string
	Function string
	// MaxBody is the largest request body in bytes (0: the route takes no body).
	MaxBody int64
	handle  func(*Server, http.ResponseWriter, *http.Request) error
}

// Routes is the route table of API.md.
var Routes = []Route{
	{Method: "GET", Path: "/healthz", Function: FunctionWegwijzer, handle: (*Server).health},
	{Method: "GET", Path: "/api/v1/institutions", Function: FunctionWegwijzer, handle: (*Server).listInstitutions},
	{Method: "GET", Path: "/api/v1/institutions/{id}", Function: FunctionWegwijzer, handle: (*Server).getInstitution},
	{Method: "POST", Path: "/api/v1/wegwijzer/step", Function: FunctionWegwijzer, MaxBody: 4 << 10, handle: (*Server).step},
	// A message is at most 2000 characters of up to 4 bytes each, plus the other fields.
	{Method: "POST", Path: "/api/v1/wegwijzer/message", Function: FunctionWegwijzer, MaxBody: 10 << 10, handle: (*Server).message},

	// The meldpunt. A description is at most 5000 characters of up to 4 bytes each.
	{Method: "POST", Path: "/api/v1/institutions/{id}/reports", Function: FunctionMeldpunt, MaxBody: 24 << 10, handle: (*Server).createReport},
	{Method: "GET", Path: "/api/v1/reports/self", Function: FunctionMeldpunt, handle: (*Server).selfReport},
	{Method: "POST", Path: "/api/v1/reports/self/messages", Function: FunctionMeldpunt, MaxBody: 10 << 10, handle: (*Server).selfMessage},
}
