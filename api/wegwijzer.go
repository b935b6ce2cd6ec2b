package api

import (
	"net/http"

	"meldwijzer/wegwijzer"
)

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) step(w http.ResponseWriter, r *http.Request) error {
	var req wegwijzer.StepRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.Lang = lang(r, req.Lang)
	if req.Institution != "" {
		if err := s.knownInstitution(req.Institution); err != nil {
			return err
		}
	}
	node, err := s.guide.Step(req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"node": node})
	return nil
}

// message reads a typed message. The text is neither stored nor logged.
func (s *Server) message(w http.ResponseWriter, r *http.Request) error {
	var req wegwijzer.MessageRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.Lang = lang(r, req.Lang)
	if req.Institution != "" {
		if err := s.knownInstitution(req.Institution); err != nil {
			return err
		}
	}
	answer, err := s.guide.Message(req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, answer)
	return nil
}
