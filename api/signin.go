package api

import (
	"net/http"
	"slices"
	"time"

	"meldwijzer"
	"meldwijzer/auth"
)

// localSignin gives a token for a demo institution without a password, so that a newcomer can
// try the institution side with `make run`. Only the local binary mounts it, and only demo
// institutions are signed for.
func (s *Server) localSignin(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Institution string `json:"institution"`
		Role        string `json:"role"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Role == auth.RoleSector && body.Institution == "" && s.localSigner != nil && s.demo {
		// The demo sector account: no institution; it sees the fictitious demo participants.
		return s.signDemo(w, auth.Identity{Subject: "demo-sector", Role: auth.RoleSector})
	}
	inst := s.institution(body.Institution)
	switch {
	case s.localSigner == nil || !s.demo:
		return meldwijzer.Errorf(meldwijzer.ENOTFOUND, "there is nothing at this address")
	case inst == nil || !inst.Demo:
		return meldwijzer.Errorf(meldwijzer.EFORBIDDEN, "the demo sign-in is only for demo institutions")
	case !slices.Contains(auth.Roles, body.Role) || body.Role == auth.RoleSector:
		return meldwijzer.Errorf(meldwijzer.EINVALID, "role must be handler, admin, viewer or staff (sector: without an institution)")
	}
	return s.signDemo(w, auth.Identity{Subject: "demo-" + body.Role, Institution: inst.ID, Role: body.Role})
}

func (s *Server) signDemo(w http.ResponseWriter, id auth.Identity) error {
	token, err := s.localSigner.Sign(id, 8*time.Hour)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"token": token})
	return nil
}
