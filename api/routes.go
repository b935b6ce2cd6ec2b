package api

import (
	"net/http"

	"meldwijzer/auth"
)

// Lambda functions. Each route belongs to one; the CDK app makes one function per name and the
// local binary serves them all.
const (
	FunctionWegwijzer = "wegwijzer"
	FunctionMeldpunt  = "meldpunt"
	// FunctionInstitution serves institution staff: cases, dashboard, audit log.
	FunctionInstitution = "institution"
	// FunctionLocal marks routes that only the local binary serves (the demo sign-in).
	FunctionLocal = "local"
)

// Who may call a route.
const (
	AuthPublic  = ""
	AuthReceipt = "receipt" // Authorization: Receipt <code>
	AuthStaff   = "staff"   // Authorization: Bearer <JWT>, checked against Roles and the path's {id}
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
	// Auth says who may call it; Roles are the staff roles allowed (AuthStaff only).
	Auth   string
	Roles  []string
	handle func(*Server, http.ResponseWriter, *http.Request) error
}

var (
	handlerOnly = []string{auth.RoleHandler}
	staffRoles  = []string{auth.RoleHandler, auth.RoleViewer}
)

// Routes is the route table of docs/api.md.
var Routes = []Route{
	{Method: "GET", Path: "/healthz", Function: FunctionWegwijzer, handle: (*Server).health},
	{Method: "GET", Path: "/api/v1/institutions", Function: FunctionWegwijzer, handle: (*Server).listInstitutions},
	{Method: "GET", Path: "/api/v1/institutions/{id}", Function: FunctionWegwijzer, handle: (*Server).getInstitution},
	{Method: "GET", Path: "/api/v1/taxonomy", Function: FunctionWegwijzer, handle: (*Server).taxonomy},
	{Method: "POST", Path: "/api/v1/wegwijzer/step", Function: FunctionWegwijzer, MaxBody: 4 << 10, handle: (*Server).step},
	// A message is at most 2000 characters of up to 4 bytes each, plus the other fields.
	{Method: "POST", Path: "/api/v1/wegwijzer/message", Function: FunctionWegwijzer, MaxBody: 10 << 10, handle: (*Server).message},

	// The meldpunt. A description is at most 5000 characters of up to 4 bytes each.
	{Method: "POST", Path: "/api/v1/institutions/{id}/reports", Function: FunctionMeldpunt, MaxBody: 24 << 10, handle: (*Server).createReport},
	{Method: "GET", Path: "/api/v1/reports/self", Function: FunctionMeldpunt, Auth: AuthReceipt, handle: (*Server).selfReport},
	{Method: "POST", Path: "/api/v1/reports/self/messages", Function: FunctionMeldpunt, Auth: AuthReceipt, MaxBody: 10 << 10, handle: (*Server).selfMessage},

	// Institution staff. How they sign in here (public: the provider and the demo sign-in).
	{Method: "GET", Path: "/api/v1/staff/config", Function: FunctionInstitution, handle: (*Server).staffConfig},
	{Method: "GET", Path: "/api/v1/institutions/{id}/dashboard", Function: FunctionInstitution, Auth: AuthStaff, Roles: staffRoles, handle: (*Server).getDashboard},
	{Method: "GET", Path: "/api/v1/institutions/{id}/dashboard.csv", Function: FunctionInstitution, Auth: AuthStaff, Roles: staffRoles, handle: (*Server).getDashboardCSV},
	{Method: "GET", Path: "/api/v1/institutions/{id}/reports", Function: FunctionInstitution, Auth: AuthStaff, Roles: handlerOnly, handle: (*Server).listReports},
	{Method: "GET", Path: "/api/v1/institutions/{id}/reports/{reportId}", Function: FunctionInstitution, Auth: AuthStaff, Roles: handlerOnly, handle: (*Server).getReport},
	{Method: "POST", Path: "/api/v1/institutions/{id}/reports/{reportId}/messages", Function: FunctionInstitution, Auth: AuthStaff, Roles: handlerOnly, MaxBody: 10 << 10, handle: (*Server).replyToReport},
	{Method: "PATCH", Path: "/api/v1/institutions/{id}/reports/{reportId}", Function: FunctionInstitution, Auth: AuthStaff, Roles: handlerOnly, MaxBody: 2 << 10, handle: (*Server).patchReport},
	{Method: "POST", Path: "/api/v1/institutions/{id}/reports/{reportId}/notes", Function: FunctionInstitution, Auth: AuthStaff, Roles: handlerOnly, MaxBody: 10 << 10, handle: (*Server).addNote},
	{Method: "GET", Path: "/api/v1/institutions/{id}/audit", Function: FunctionInstitution, Auth: AuthStaff, Roles: staffRoles, handle: (*Server).auditLogView},

	// The local binary's demo sign-in: a token for a demo institution, without a password.
	{Method: "POST", Path: "/api/v1/local/signin", Function: FunctionLocal, MaxBody: 1 << 10, handle: (*Server).localSignin},
}
