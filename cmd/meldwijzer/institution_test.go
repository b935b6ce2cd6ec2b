package main_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// run runs the binary and returns its stdout and stderr; want says whether it must succeed.
func run(t *testing.T, bin string, want bool, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if (err == nil) != want {
		t.Fatalf("meldwijzer %s: %v (want success %v)\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, want, &stdout, &stderr)
	}
	return stdout.String(), stderr.String()
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// An operator adds a school with `meldwijzer institution add` while the local server runs: the
// server serves it at once (the change goes through the server's control socket, as bbolt lets
// one process have the file), and after a restart too. Bad input fails with a readable message
// and changes nothing.
func TestInstitutionAddWhileServing(t *testing.T) {
	bin := buildBinary(t)
	data := t.TempDir()
	contacts := filepath.Join(t.TempDir(), "contacts.yaml")
	err := os.WriteFile(contacts, []byte(`contacts:
  - role: mentor
    name: {nl: "Je mentor", en: "Your mentor"}
  - role: leidinggevende
    name: {nl: "Je teamleider", en: "Your team leader"}
  - role: vertrouwenspersoon
    name: {nl: "Vertrouwenspersoon Ada", en: "Confidential adviser Ada"}
    phone: "030 123 45 67"
    tel: "0301234567"
  - role: meldpunt-stage
    name: {nl: "Meldpunt stage", en: "Internship reporting point"}
    email: stage@roc-nieuw.example
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := startServer(t, bin, data, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + srv.addr + "/api/v1/institutions/"
	if status, _ := getJSON(t, base+"roc-nieuw"); status != 404 {
		t.Fatalf("before add: %d", status)
	}

	// Refused, nothing written: a bad id, a domain another school holds, bad contacts.
	run(t, bin, true, "institution", "add", "-id", "roc-ander", "-name", "ROC Ander", "-domain", "ander.example", "-data", data)
	_, stderr := run(t, bin, false, "institution", "add", "-id", "ROC Nieuw", "-name", "x", "-data", data)
	if !strings.Contains(stderr, "id must be") {
		t.Errorf("a bad id: %s", stderr)
	}
	_, stderr = run(t, bin, false, "institution", "add", "-id", "roc-nieuw", "-name", "ROC Nieuw", "-domain", "ander.example", "-data", data)
	if !strings.Contains(stderr, `domain "ander.example" is registered by institution "roc-ander"`) {
		t.Errorf("a taken domain: %s", stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("contacts:\n  - role: conciërge\n    name: {nl: a, en: b}\n"), 0o600)
	_, stderr = run(t, bin, false, "institution", "add", "-id", "roc-nieuw", "-name", "ROC Nieuw", "-contacts", bad, "-data", data)
	if !strings.Contains(stderr, `contacts[0].role: unknown contact role "conciërge"`) {
		t.Errorf("bad contacts: %s", stderr)
	}
	if status, _ := getJSON(t, base+"roc-nieuw"); status != 404 {
		t.Fatalf("a refused add was written: %d", status)
	}

	start := time.Now()
	out, _ := run(t, bin, true, "institution", "add", "-id", "roc-nieuw", "-name", "ROC Nieuw", "-domain", "roc-nieuw.example",
		"-email", "meldpunt@roc-nieuw.example", "-region", "Utrecht", "-sector", "-contacts", contacts, "-data", data)
	if !strings.Contains(out, "roc-nieuw saved with 4 contact(s)") {
		t.Errorf("add said: %s", out)
	}
	status, inst := getJSON(t, base+"roc-nieuw")
	if status != 200 || inst["name"] != "ROC Nieuw" || !strings.Contains(mustMarshal(inst), "Vertrouwenspersoon Ada") {
		t.Fatalf("the running server serves %d %v", status, inst)
	}
	t.Logf("served %v after the add started", time.Since(start).Round(time.Millisecond))

	out, _ = run(t, bin, true, "institution", "list", "-data", data)
	for _, want := range []string{"roc-nieuw", "roc-ander", "roc-voorbeeldstad"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %s:\n%s", want, out)
		}
	}
	out, _ = run(t, bin, true, "institution", "show", "-id", "roc-nieuw", "-data", data)
	if !strings.Contains(out, `"meldpuntEmail": "meldpunt@roc-nieuw.example"`) {
		t.Errorf("show:\n%s", out)
	}
	run(t, bin, true, "institution", "remove", "-id", "roc-ander", "-data", data)
	if status, _ := getJSON(t, base+"roc-ander"); status != 404 {
		t.Errorf("a removed school is still served: %d", status)
	}
	srv.stop(t, syscall.SIGTERM, nil)

	// With the server stopped the command writes the file itself; the next server serves it.
	run(t, bin, true, "institution", "add", "-id", "roc-later", "-name", "ROC Later", "-data", data)
	srv, err = startServer(t, bin, data, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop(t, syscall.SIGTERM, nil)
	for _, id := range []string{"roc-nieuw", "roc-later"} {
		if status, _ := getJSON(t, "http://"+srv.addr+"/api/v1/institutions/"+id); status != 200 {
			t.Errorf("after a restart %s: %d", id, status)
		}
	}
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
