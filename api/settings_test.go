package api_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"meldwijzer/app"
	"meldwijzer/app/apptest"
	"meldwijzer/store/storetest"
)

// demoContacts is the demo school's contacts with the vertrouwenspersoon renamed to name.
func demoContacts(name string) string {
	return `{"contacts":[` +
		`{"role":"mentor","name":{"nl":"Je mentor","en":"Your mentor"}},` +
		`{"role":"leidinggevende","name":{"nl":"Je teamleider","en":"Your team leader"}},` +
		`{"role":"vertrouwenspersoon","name":{"nl":"` + name + `","en":"` + name + `"},"email":"vp@roc-voorbeeldstad.example","hours":{"nl":"Dinsdag","en":"Tuesday"}},` +
		`{"role":"meldpunt-stage","name":{"nl":"Meldpunt stage (demo)","en":"Internship reporting point (demo)"},"website":"https://roc-voorbeeldstad.example/stage"}]}`
}

// vertrouwenspersoon is the name the guide shows for the vertrouwenspersoon on a route page.
func (ts *testServer) vertrouwenspersoon(t *testing.T) string {
	t.Helper()
	status, res, _ := ts.do(t, "POST", "/api/v1/wegwijzer/step",
		`{"audience":"student","lang":"nl","institution":"roc-voorbeeldstad","node":"route?theme=pesten&where=school"}`)
	if status != 200 {
		t.Fatalf("step: %d %v", status, res)
	}
	routes, _ := res["node"].(map[string]any)["routes"].([]any)
	for _, r := range routes {
		if r := r.(map[string]any); r["id"] == "institution:vertrouwenspersoon" {
			return r["name"].(string)
		}
	}
	t.Fatalf("the route page has no vertrouwenspersoon: %v", routes)
	return ""
}

func TestAdminChangesContacts(t *testing.T) {
	ts := newTestServer(t)
	inst := "/api/v1/institutions/roc-voorbeeldstad"
	admin := ts.token(t, "roc-voorbeeldstad", "admin", time.Hour)
	handler := ts.token(t, "roc-voorbeeldstad", "handler", time.Hour)

	status, settings, _ := ts.do(t, "GET", inst+"/settings", "", "Authorization", admin)
	if status != 200 || settings["id"] != "roc-voorbeeldstad" || len(settings["contacts"].([]any)) < 4 {
		t.Fatalf("settings: %d %v", status, settings)
	}
	before := ts.vertrouwenspersoon(t)
	if !strings.Contains(before, "Sam de Vries") {
		t.Fatalf("the seed's vertrouwenspersoon is %q", before)
	}

	t.Run("bad contacts are a 400 naming the problem, nothing changed", func(t *testing.T) {
		for _, tc := range []struct{ name, body, want string }{
			{"unknown role", strings.Replace(demoContacts("X"), `"role":"mentor"`, `"role":"conciërge"`, 1), `contacts[0].role: unknown contact role "conciërge"`},
			{"missing required role", strings.Replace(demoContacts("X"), `{"role":"mentor","name":{"nl":"Je mentor","en":"Your mentor"}},`, "", 1), `required role "mentor"`},
			{"no English", strings.Replace(demoContacts("X"), `"en":"Your mentor"`, `"en":""`, 1), `contacts[0].name: the English text (en) is missing`},
			{"bad email", strings.Replace(demoContacts("X"), `vp@roc-voorbeeldstad.example`, `vp at school`, 1), `contacts[2].email: "vp at school" is not an e-mail address`},
			{"http website", strings.Replace(demoContacts("X"), `https://roc-voorbeeldstad.example/stage`, `http://roc-voorbeeldstad.example/stage`, 1), `contacts[3].website`},
			{"phone without tel", strings.Replace(demoContacts("X"), `"email":"vp@roc-voorbeeldstad.example"`, `"phone":"030 123"`, 1), `phone and tel go together`},
			{"no contacts field", `{}`, `contacts is required`},
		} {
			status, res, _ := ts.do(t, "PUT", inst+"/contacts", tc.body, "Authorization", admin)
			msg, _ := res["error"].(map[string]any)["message"].(string)
			if status != 400 || errorCode(res) != "invalid" || !strings.Contains(msg, tc.want) {
				t.Errorf("%s: %d %s %q, want 400 with %q", tc.name, status, errorCode(res), msg, tc.want)
			}
		}
		if got := ts.vertrouwenspersoon(t); got != before {
			t.Fatalf("after refused edits the guide shows %q", got)
		}
	})

	t.Run("other roles and institutions are refused", func(t *testing.T) {
		other := ts.token(t, "techniek-college-denkbeeldig", "admin", time.Hour)
		for _, tc := range []struct {
			method, path, token string
			want                int
		}{
			{"PUT", inst + "/contacts", handler, 403},
			{"GET", inst + "/settings", handler, 403},
			{"PUT", inst + "/contacts", other, 403},
			{"GET", inst + "/settings", other, 403},
			{"GET", inst + "/reports", admin, 403},
			{"PUT", inst + "/contacts", "", 401},
		} {
			status, res, _ := ts.do(t, tc.method, tc.path, demoContacts("Y"), "Authorization", tc.token)
			if status != tc.want {
				t.Errorf("%s %s: %d %v, want %d", tc.method, tc.path, status, res, tc.want)
			}
		}
	})

	status, res, _ := ts.do(t, "PUT", inst+"/contacts", demoContacts("Vertrouwenspersoon Noor Bakker (demo)"), "Authorization", admin)
	if status != 200 {
		t.Fatalf("PUT contacts: %d %v", status, res)
	}
	if got := ts.vertrouwenspersoon(t); got != "Vertrouwenspersoon Noor Bakker (demo)" {
		t.Fatalf("the guide shows %q after the change", got)
	}
	_, pub, _ := ts.do(t, "GET", inst+"?lang=en", "")
	if !strings.Contains(mustJSON(t, pub), "Noor Bakker") || strings.Contains(mustJSON(t, pub), "Sam de Vries") {
		t.Fatalf("GET institution does not show the new contact: %v", pub)
	}
	stored, err := ts.store.Institution(context.Background(), "roc-voorbeeldstad")
	if err != nil || stored.Contact("vertrouwenspersoon").Name.NL != "Vertrouwenspersoon Noor Bakker (demo)" {
		t.Fatalf("the store holds %+v, %v", stored, err)
	}
	_, audit, _ := ts.do(t, "GET", inst+"/audit", "", "Authorization", handler)
	if !strings.Contains(mustJSON(t, audit), `"action":"contacts"`) || !strings.Contains(mustJSON(t, audit), `"role":"admin"`) {
		t.Fatalf("the change is not in the audit log: %v", audit)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A school written to the store (as `meldwijzer institution add` does) is served by a running
// server within the catalog's TTL, without a restart.
func TestNewInstitutionIsServedWithoutRestart(t *testing.T) {
	ts := newServerWith(t, app.Options{InstitutionTTL: 200 * time.Millisecond})
	path := "/api/v1/institutions/roc-nieuw"
	if status, _, _ := ts.do(t, "GET", path, ""); status != 404 {
		t.Fatalf("before: %d", status)
	}
	inst := storetest.NewInstitution("roc-nieuw")
	if err := ts.store.PutInstitution(context.Background(), inst); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		status, res, _ := ts.do(t, "GET", path, "")
		if status == 200 {
			if res["name"] != inst.Name {
				t.Fatalf("served %v", res)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new school is still %d after 5 s", status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, list, _ := ts.do(t, "GET", "/api/v1/institutions", "")
	if !strings.Contains(mustJSON(t, list), `"id":"roc-nieuw"`) {
		t.Fatalf("not listed: %v", list)
	}
	if status, res, _ := ts.do(t, "POST", path+"/reports", report, "Idempotency-Key", "new-school-key-000001"); status != 201 {
		t.Fatalf("a report to the new school: %d %v", status, res)
	}
}

// Without demo mode a demo record in the store is not served.
func TestDemoRecordsOnlyInDemoMode(t *testing.T) {
	a := apptest.NewReal(t, app.Options{})
	hs := httptest.NewServer(a.Handler())
	t.Cleanup(hs.Close)
	ts := &testServer{Server: hs, store: a.Store}
	demo := storetest.NewInstitution("roc-demo")
	demo.Demo = true
	if err := ts.store.PutInstitution(context.Background(), demo); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/v1/institutions/roc-demo", "/api/v1/institutions/roc-voorbeeldstad"} {
		if status, _, _ := ts.do(t, "GET", path, ""); status != 404 {
			t.Errorf("%s: %d without demo mode", path, status)
		}
	}
	if _, list, _ := ts.do(t, "GET", "/api/v1/institutions", ""); len(list["institutions"].([]any)) != 0 {
		t.Errorf("listed without demo mode: %v", list)
	}
}
