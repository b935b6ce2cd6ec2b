// Package control lets `meldwijzer institution` change the institutions of a running local
// server. bbolt allows one process per file, and the server holds its store open; so the server
// also listens on a Unix socket in its data directory (SocketName, mode 0600: only the owner of
// the data directory, who could open the store file itself, can use it), and the command-line
// tool, finding the store locked, sends its change there. The server writes it with the same
// checks and shows it at once. The socket is not the HTTP API: it is never on the network.
package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"meldwijzer"
)

// SocketName is the socket's file name in the data directory.
const SocketName = "control.sock"

// Checker checks a record before it is written (content.Bundle.CheckInstitution).
type Checker func(*meldwijzer.Institution) error

// Serve listens on the socket in dir until ctx ends, writing to store; changed is called after
// every write (the server's cache forgets). A stale socket file of a server that is gone is
// replaced: the caller holds the store's lock, so no other server is running on dir.
func Serve(ctx context.Context, dir string, store meldwijzer.InstitutionStore, check Checker, changed func(), log *slog.Logger) error {
	path := filepath.Join(dir, SocketName)
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("control socket: %w", err)
	}
	reply := func(w http.ResponseWriter, v any, err error) {
		if err != nil && meldwijzer.ErrorCode(err) == meldwijzer.EINTERNAL {
			log.Error("control socket", slog.Any("err", err))
		}
		writeReply(w, v, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /institutions", func(w http.ResponseWriter, r *http.Request) {
		list, err := store.Institutions(r.Context())
		reply(w, list, err)
	})
	mux.HandleFunc("GET /institutions/{id}", func(w http.ResponseWriter, r *http.Request) {
		inst, err := store.Institution(r.Context(), r.PathValue("id"))
		reply(w, inst, err)
	})
	mux.HandleFunc("PUT /institutions/{id}", func(w http.ResponseWriter, r *http.Request) {
		var inst meldwijzer.Institution
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&inst); err != nil || inst.ID != r.PathValue("id") {
			reply(w, nil, meldwijzer.Errorf(meldwijzer.EINVALID, "the record is not valid JSON for this id"))
			return
		}
		err := check(&inst)
		if err == nil {
			err = store.PutInstitution(r.Context(), &inst)
		}
		if err == nil {
			changed()
			log.Info("institution changed through the control socket", slog.String("institution", inst.ID))
		}
		reply(w, nil, err)
	})
	mux.HandleFunc("DELETE /institutions/{id}", func(w http.ResponseWriter, r *http.Request) {
		err := store.DeleteInstitution(r.Context(), r.PathValue("id"))
		if err == nil {
			changed()
			log.Info("institution removed through the control socket", slog.String("institution", r.PathValue("id")))
		}
		reply(w, nil, err)
	})
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
		os.Remove(path)
	}()
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("control socket", slog.Any("err", err))
		}
	}()
	return nil
}

// wireError carries a domain error over the socket.
type wireError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeReply(w http.ResponseWriter, v any, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		code := meldwijzer.ErrorCode(err)
		msg := meldwijzer.ErrorMessage(err)
		if code == meldwijzer.EINTERNAL {
			msg = "the server could not do it; see its log"
		}
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]wireError{"error": {code, msg}})
		return
	}
	json.NewEncoder(w).Encode(v)
}

// Client is a meldwijzer.InstitutionStore that is the running server's, over its socket.
type Client struct {
	hc *http.Client
}

var _ meldwijzer.InstitutionStore = (*Client)(nil)

// Dial returns a client of the server running on dir; an error when none answers.
func Dial(dir string) (*Client, error) {
	path := filepath.Join(dir, SocketName)
	c := &Client{hc: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", path)
		},
	}}}
	if _, err := c.Institutions(context.Background()); err != nil {
		return nil, fmt.Errorf("the server running on %s does not answer on %s: %w", dir, path, err)
	}
	return c, nil
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://meldwijzer"+path, body)
	if err != nil {
		return err
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var e struct{ Error wireError }
		if err := json.NewDecoder(res.Body).Decode(&e); err != nil || e.Error.Code == "" {
			return fmt.Errorf("control socket: %s", res.Status)
		}
		return meldwijzer.Errorf(e.Error.Code, "%s", e.Error.Message)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(res.Body).Decode(out)
}

// PutInstitution asks the server to write the record.
func (c *Client) PutInstitution(ctx context.Context, inst *meldwijzer.Institution) error {
	return c.do(ctx, http.MethodPut, "/institutions/"+inst.ID, inst, nil)
}

// Institution reads the record from the server's store.
func (c *Client) Institution(ctx context.Context, id string) (*meldwijzer.Institution, error) {
	var inst meldwijzer.Institution
	if err := c.do(ctx, http.MethodGet, "/institutions/"+id, nil, &inst); err != nil {
		return nil, err
	}
	return &inst, nil
}

// Institutions lists the records of the server's store.
func (c *Client) Institutions(ctx context.Context) ([]*meldwijzer.Institution, error) {
	var list []*meldwijzer.Institution
	if err := c.do(ctx, http.MethodGet, "/institutions", nil, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// InstitutionByDomain is not offered over the socket (the command-line tool does not need it).
func (c *Client) InstitutionByDomain(context.Context, string) (*meldwijzer.Institution, error) {
	return nil, meldwijzer.Errorf(meldwijzer.EUNAVAILABLE, "not offered over the control socket")
}

// DeleteInstitution asks the server to remove the record.
func (c *Client) DeleteInstitution(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/institutions/"+id, nil, nil)
}
