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
	writeJSON(w, http.StatusOK, stepAnswer{node})
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

// stepAnswer is a step's answer: {"node": ...}, written around the node's ready JSON.
type stepAnswer struct{ node *wegwijzer.Node }

var (
	stepHead = []byte(`{"node":`)
	stepTail = []byte{'}'}
)

func (a stepAnswer) JSONPieces() ([3][]byte, error) {
	if a.node == nil {
		return [3][]byte{stepHead, []byte("null"), stepTail}, nil
	}
	node, err := a.node.MarshalJSON()
	if err != nil {
		return [3][]byte{}, err
	}
	return [3][]byte{stepHead, node, stepTail}, nil
}
