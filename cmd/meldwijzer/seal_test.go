package main_test

import (
	"bytes"
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"meldwijzer"
	"meldwijzer/meldpunt"
	"meldwijzer/seal"
	"meldwijzer/seal/keyfile"
	"meldwijzer/store/bolt"
)

// The attack of issue 12, finding 5, performed on the real local binary with the bbolt store:
// someone who has the data directory (or a backup of it) reads its files byte by byte.
// Before retention no file holds the text of a report (it is sealed); after retention and the
// sweep the report's data key is gone, no key left in the directory opens the report's
// ciphertext from a backup copy, and the live files hold neither the ciphertext nor the
// wrapped key any more (compacted; the old file overwritten).

// secrets are the distinctive texts the test writes and then hunts for.
var (
	secretDescription = "Paarse-giraffe-7391 zag het gebeuren bij de fietsenstalling"
	secretMessage     = "Otter-kwartet-5512 was er ook bij"
	secretReply       = "Walrus-antwoord-2207 van de vertrouwenspersoon"
	secretOther       = "Blijvende-melding-4417 die nog open staat"
	secretNote        = "Notitie-pelikaan-3318 mentor gebeld"
)

func TestDeletionIsRealOnBbolt(t *testing.T) {
	bin := buildBinary(t)
	data := t.TempDir()
	srv, base, staff, id, otherID := sealScene(t, bin, data)

	// The case reads as written: sealing is invisible to the handler.
	var c struct {
		Report   struct{ Description string }
		Messages []struct{ Text string }
	}
	call(t, "GET", base+"/institutions/"+restartInstitution+"/reports/"+id, "Bearer "+staff, "", http.StatusOK, &c)
	if c.Report.Description != secretDescription || len(c.Messages) != 2 || c.Messages[0].Text != secretMessage || c.Messages[1].Text != secretReply {
		t.Fatalf("the case reads %+v, want the texts as written", c)
	}

	// 1. Before any deletion, no file in the data directory holds a text.
	plain := []string{secretDescription, secretMessage, secretReply, secretNote, secretOther, "Paarse-giraffe", "Otter-kwartet", "Walrus-antwoord", "Notitie-pelikaan"}
	for _, s := range plain {
		if where := findInDir(t, data, []byte(s)); where != "" {
			t.Errorf("before deletion, %s holds the plain text %q", where, s)
		}
	}

	// A backup of the reports file, taken now (and kept for ever, as backups are), and the
	// wrapped key as it is now (only to look for it later: the key file is never backed up).
	backup := filepath.Join(t.TempDir(), "backup.db")
	copyFile(t, filepath.Join(data, "meldwijzer.db"), backup)
	wrappedBefore := wrappedKeys(t, filepath.Join(data, "keys.db"))
	ref := meldpunt.ReportKey(restartInstitution, id)
	ctx := context.Background()
	if len(wrappedBefore[ref]) == 0 {
		t.Fatalf("keys.db has no data key for the report; it has %d keys", len(wrappedBefore))
	}

	// What the backup holds of the report: its sealed texts.
	old, err := bolt.Open(backup)
	if err != nil {
		t.Fatal(err)
	}
	r, err := old.Report(ctx, restartInstitution, id)
	old.Close()
	if err != nil {
		t.Fatalf("the backup lost the report: %v", err)
	}
	if !seal.Sealed(r.Description) || len(r.Messages) != 2 {
		t.Fatalf("the backup's report is not sealed: %q, %d messages", r.Description, len(r.Messages))
	}
	stored := []struct{ field, text string }{{seal.FieldDescription, r.Description}}
	for _, m := range r.Messages {
		stored = append(stored, struct{ field, text string }{seal.MessageField(m.From), m.Text})
	}
	for _, n := range r.Notes {
		stored = append(stored, struct{ field, text string }{seal.FieldNote, n.Text})
	}
	if len(stored) != 4 {
		t.Fatalf("the backup's report has %d texts, want a description, two messages and a note", len(stored))
	}

	// 2. The handler closes the report; with -retention 1s it expires at once, and the sweep
	// (every 200 ms) deletes its key, then the report, and compacts both files.
	call(t, "PATCH", base+"/institutions/"+restartInstitution+"/reports/"+id, "Bearer "+staff, `{"status":"closed"}`, http.StatusOK, nil)
	deadline := time.Now().Add(15 * time.Second)
	// The key file keeps a wrapped key as JSON, base64.
	wrappedStored := []byte(base64.StdEncoding.EncodeToString(wrappedBefore[ref]))
	if findInDir(t, data, wrappedStored) != "keys.db" {
		t.Fatal("keys.db does not hold the wrapped key as the test expects to find it")
	}
	for findInDir(t, data, []byte(r.Description)) != "" || findInDir(t, data, wrappedStored) != "" {
		if time.Now().After(deadline) {
			t.Fatal("15 s after closing, the data directory still holds the report's ciphertext or its wrapped key")
		}
		time.Sleep(100 * time.Millisecond)
	}
	srv.stop(t, syscall.SIGTERM, nil)
	srv.checkLogs(t, "seal")

	// 3. The data key is gone, and the report with it; the other report keeps its key.
	keys, err := bolt.OpenKeys(filepath.Join(data, "keys.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Key(ctx, ref); !errors.Is(err, meldwijzer.ErrKeyNotFound) {
		t.Errorf("after the sweep the report's key: %v, want ErrKeyNotFound", err)
	}
	keys.Close()
	left := wrappedKeys(t, filepath.Join(data, "keys.db"))
	if len(left) != 1 || len(left[meldpunt.ReportKey(restartInstitution, otherID)]) == 0 {
		t.Errorf("keys left: %d, want only the open report's", len(left))
	}

	// 4. The backup holds the report's ciphertext for ever. Every key left in the data directory
	// fails to open it: each wrapped key unwrapped (under its own item, as it must be), the
	// files' raw bytes as keys, and the institution's key from seal.key.
	wrapper, err := keyfile.Load(filepath.Join(data, "seal.key"))
	if err != nil {
		t.Fatal(err)
	}
	var candidates [][]byte
	for kref, w := range left {
		k, err := wrapper.Unwrap(ctx, kref, w)
		if err != nil {
			t.Fatalf("a key left does not unwrap for its own item: %v", err)
		}
		candidates = append(candidates, k)
		if _, err := wrapper.Unwrap(ctx, ref, w); err == nil {
			t.Errorf("another report's wrapped key unwraps as the deleted report's")
		}
	}
	for _, name := range []string{"seal.key", "secret.key", "token.key"} {
		if b, err := os.ReadFile(filepath.Join(data, name)); err == nil && len(b) >= seal.KeySize {
			candidates = append(candidates, b[:seal.KeySize])
			// The institution's key as seal/keyfile derives it from a master key.
			kek, err := hkdf.Key(sha256.New, b, nil, "meldwijzer seal institution "+restartInstitution, seal.KeySize)
			if err != nil {
				t.Fatal(err)
			}
			candidates = append(candidates, kek)
		}
	}
	if len(candidates) < 2 {
		t.Fatalf("only %d candidate keys: the test would prove nothing", len(candidates))
	}
	for i, k := range candidates {
		box, err := seal.NewBox(ref, k)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stored {
			if got, err := box.Open(s.field, s.text); err == nil {
				t.Errorf("candidate key %d opens the deleted report's %s: %q", i, s.field, got)
			}
		}
	}

	// 5. The live files hold no trace: no plain text, no ciphertext of the report, no wrapped
	// key, no file left over from the compaction.
	for _, s := range plain[:4] {
		if where := findInDir(t, data, []byte(s)); where != "" {
			t.Errorf("after deletion, %s holds %q", where, s)
		}
	}
	for _, s := range stored {
		if where := findInDir(t, data, []byte(s.text)); where != "" {
			t.Errorf("after compaction, %s still holds the report's sealed %s", where, s.field)
		}
	}
	if where := findInDir(t, data, wrappedStored); where != "" {
		t.Errorf("after compaction, %s still holds the report's wrapped key", where)
	}
	entries, _ := os.ReadDir(data)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".old") || strings.HasSuffix(e.Name(), ".compact") {
			t.Errorf("the compaction left %s behind", e.Name())
		}
	}
}

// sealScene starts the binary on data with a 1-second retention and a sweep every 200 ms (and
// extra flags), and files the scene both attack tests search for: a report with a message from
// the reporter, an answer and a note, and a second report that stays open. It returns the
// server (stopped at the end of the test), the API's base URL, a handler's token and the ids.
func sealScene(t *testing.T, bin, data string, extra ...string) (srv *server, base, staff, id, otherID string) {
	t.Helper()
	srv, err := startServer(t, bin, data, "127.0.0.1:0", append([]string{"-retention", "1s", "-sweep-every", "200ms"}, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-srv.done:
		default:
			srv.stop(t, syscall.SIGTERM, nil)
		}
	})
	base = "http://" + srv.addr + "/api/v1"
	var store []string // token reads the institutions where the server keeps them
	if i := slices.Index(extra, "-store"); i >= 0 {
		store = extra[i : i+2]
	}
	staff = token(t, bin, data, "handler", store...)
	id, receipt := fileReport(t, base, secretDescription, "seal-test-report-0000000001")
	call(t, "POST", base+"/reports/self/messages", "Receipt "+receipt, `{"text":"`+secretMessage+`"}`, http.StatusCreated, nil)
	call(t, "POST", base+"/institutions/"+restartInstitution+"/reports/"+id+"/messages", "Bearer "+staff, `{"text":"`+secretReply+`"}`, http.StatusCreated, nil)
	call(t, "POST", base+"/institutions/"+restartInstitution+"/reports/"+id+"/notes", "Bearer "+staff, `{"text":"`+secretNote+`"}`, http.StatusCreated, nil)
	otherID, _ = fileReport(t, base, secretOther, "seal-test-report-0000000002")
	return srv, base, staff, id, otherID
}

// fileReport files a report with the description and returns its id and receipt.
func fileReport(t *testing.T, base, description, key string) (id, receipt string) {
	t.Helper()
	var out struct {
		Report  struct{ ID string }
		Receipt string
	}
	body := `{"audience":"student","lang":"nl","theme":"pesten","where":"school","followUp":true,"description":"` + description + `"}`
	req, _ := http.NewRequest("POST", base+"/institutions/"+restartInstitution+"/reports", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	do(t, req, http.StatusCreated, &out)
	return out.Report.ID, strings.ReplaceAll(out.Receipt, " ", "")
}

func call(t *testing.T, method, url, auth, body string, want int, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", auth)
	do(t, req, want, out)
}

func do(t *testing.T, req *http.Request, want int, out any) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", req.Method, req.URL.Path, res.StatusCode, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
		}
	}
}

// findInDir is `strings` over a directory: the first file whose bytes contain needle ("" if none).
func findInDir(t *testing.T, dir string, needle []byte) string {
	t.Helper()
	found := ""
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != "" {
			return err
		}
		if !d.Type().IsRegular() { // the running server's control socket
			return nil
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) { // a compaction's temporary file, gone meanwhile
			return nil
		}
		if err != nil {
			return err
		}
		if bytes.Contains(b, needle) {
			found = filepath.Base(path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// wrappedKeys reads every wrapped key in a key file, raw, as an attacker with the file would
// (through a copy: the server may hold the file's lock).
func wrappedKeys(t *testing.T, path string) map[meldwijzer.KeyRef][]byte {
	t.Helper()
	cp := filepath.Join(t.TempDir(), "keys.db")
	copyFile(t, path, cp)
	db, err := bbolt.Open(cp, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[meldwijzer.KeyRef][]byte{}
	err = db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("keys"))
		if b == nil {
			return errors.New("keys.db has no keys bucket")
		}
		return b.ForEach(func(k, v []byte) error {
			parts := strings.Split(string(k), "\x00")
			if len(parts) != 3 {
				return errors.New("a key name with other than three parts")
			}
			var rec struct{ Wrapped []byte }
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			out[meldwijzer.KeyRef{Institution: parts[0], Kind: parts[1], ID: parts[2]}] = rec.Wrapped
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
