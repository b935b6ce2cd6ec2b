package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"meldwijzer/auth"
	"meldwijzer/meldpunt"
	"meldwijzer/store/bolt"
)

// The cost of sealing on the two paths that touch a report's text, on bbolt through the whole
// handler without the network (go test -run '^$' -bench 'Case|File' ./bench):
// BenchmarkFileReport is POST .../reports (a data key made, wrapped and stored, the description
// sealed, then the report's transaction), BenchmarkReadCase is GET .../reports/{id} of a report
// with ten messages (the key read and unwrapped, eleven texts opened, the read audited).

func BenchmarkFileReport(b *testing.B) {
	srv := benchServer(b)
	body := `{"audience":"student","lang":"nl","theme":"pesten","where":"school","description":"` +
		strings.Repeat("Ze pesten me elke dag in de kantine. ", 20) + `","followUp":true}`
	i := 0
	for b.Loop() {
		i++
		req := httptest.NewRequest("POST", "/api/v1/institutions/"+dashboardInst+"/reports", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-file-%020d", i))
		w := httptest.NewRecorder()
		srv.Handler.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			b.Fatalf("POST report: %d %s", w.Code, w.Body)
		}
	}
}

func BenchmarkReadCase(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	res, err := srv.Meldpunt.Submit(ctx, dashboardInst, "bench-read-case-00000001", meldpunt.Submission{
		Audience: "student", Lang: "nl", Theme: "pesten", Where: "school", FollowUp: true,
		Description: strings.Repeat("Ze pesten me elke dag in de kantine. ", 20)})
	if err != nil {
		b.Fatal(err)
	}
	who := meldpunt.Staff{Institution: dashboardInst, Subject: "bench", Role: auth.RoleHandler}
	for i := range 10 {
		if _, _, err := srv.Meldpunt.Reply(ctx, who, res.Report.ID, fmt.Sprintf("Antwoord %d: dank voor je melding, we gaan ermee aan de slag.", i)); err != nil {
			b.Fatal(err)
		}
	}
	token, err := srv.Key.Sign(auth.Identity{Subject: "bench", Institution: dashboardInst, Role: auth.RoleHandler}, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/v1/institutions/"+dashboardInst+"/reports/"+res.Report.ID, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		srv.Handler.ServeHTTP(w, req)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Antwoord 9") {
			b.Fatalf("GET case: %d %s", w.Code, w.Body)
		}
	}
}

func benchServer(b *testing.B) *full {
	store, err := bolt.Open(filepath.Join(b.TempDir(), "meldwijzer.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	return newFull(b, store, meldpunt.NewMasterSecret())
}
