package api

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// webFile is one static file, kept in memory with its gzip form: the phone UI is small and a
// slow phone connection benefits from every byte saved.
type webFile struct {
	body, gz    []byte
	contentType string
}

// mountWeb serves the phone UI: index.html at / and at /i/{id} (the institution's own address),
// and every other file by name.
func (s *Server) mountWeb(mux *http.ServeMux) {
	files := map[string]*webFile{}
	_ = fs.WalkDir(s.web, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(s.web, p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		files["/"+p] = &webFile{body: body, gz: gz.Bytes(), contentType: ct}
		return nil
	})
	serve := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f := files[name]
			if f == nil {
				http.NotFound(w, r)
				return
			}
			h := w.Header()
			h.Set("Content-Type", f.contentType)
			h.Set("Vary", "Accept-Encoding")
			h.Set("Cache-Control", "no-cache")
			body := f.body
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				h.Set("Content-Encoding", "gzip")
				body = f.gz
			}
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
		})
	}
	mux.Handle("GET /{$}", serve("/index.html"))
	mux.Handle("GET /i/{id}", serve("/index.html"))
	// The institution side: the handler's inbox and the dashboard.
	mux.Handle("GET /instelling", serve("/instelling/index.html"))
	mux.Handle("GET /instelling/{$}", serve("/instelling/index.html"))
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		serve(r.URL.Path).ServeHTTP(w, r)
	}))
}
