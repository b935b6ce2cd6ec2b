package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"meldwijzer"
)

// statusOf maps an error code to its HTTP status. It is the only place that does.
func statusOf(code string) int {
	switch code {
	case meldwijzer.EINVALID, meldwijzer.ELANG, meldwijzer.EJSON:
		return http.StatusBadRequest
	case meldwijzer.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case meldwijzer.EFORBIDDEN:
		return http.StatusForbidden
	case meldwijzer.ENOTFOUND:
		return http.StatusNotFound
	case meldwijzer.EMETHOD:
		return http.StatusMethodNotAllowed
	case meldwijzer.ECONFLICT:
		return http.StatusConflict
	case meldwijzer.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case meldwijzer.EMEDIA:
		return http.StatusUnsupportedMediaType
	case meldwijzer.ERATELIMIT:
		return http.StatusTooManyRequests
	case meldwijzer.ENOTIMPLEMENTED:
		return http.StatusNotImplemented
	case meldwijzer.EHOST:
		return http.StatusMisdirectedRequest
	case meldwijzer.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError answers with the JSON error of docs/api.md. Internal errors are logged with the route
// and never shown: the client gets a fixed text.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := meldwijzer.ErrorCode(err)
	if code == meldwijzer.EINTERNAL {
		s.log.ErrorContext(r.Context(), "internal error", slog.String("route", r.Pattern), slog.Any("err", err))
	}
	var body errorBody
	body.Error.Code = code
	body.Error.Message = meldwijzer.ErrorMessage(err)
	status := statusOf(code)
	if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	writeJSON(w, status, body)
}

// retryAfterSeconds is how long a client waits before trying again after a 429 or 503.
const retryAfterSeconds = 2

// jsonPieces is a value whose JSON is made of pieces, some of them shared (the guide's answer
// around its node's ready JSON): they are written one after the other, not copied into one.
type jsonPieces interface {
	JSONPieces() ([3][]byte, error)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	// A value that encodes itself (the guide's nodes, encoded once and shared) is written as it
	// is: encoding/json would check and copy each of its bytes again.
	if p, ok := v.(jsonPieces); ok {
		if pieces, err := p.JSONPieces(); err == nil {
			w.WriteHeader(status)
			for _, b := range pieces {
				_, _ = w.Write(b) // shared: never appended to
			}
			_, _ = w.Write([]byte{'\n'})
			return
		}
	}
	if m, ok := v.(json.Marshaler); ok {
		if data, err := m.MarshalJSON(); err == nil {
			w.WriteHeader(status)
			_, _ = w.Write(data) // shared: never appended to
			_, _ = w.Write([]byte{'\n'})
			return
		}
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
