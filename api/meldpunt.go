package api

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"meldwijzer"
	"meldwijzer/meldpunt"
)

type reportSummary struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	CreatedAt day    `json:"createdAt"`
}

type messageView struct {
	From string `json:"from"`
	Text string `json:"text"`
	At   day    `json:"at"`
}

func messageViewOf(m meldwijzer.Message) messageView { return messageView{m.From, m.Text, day(m.At)} }

func messageViews(ms []meldwijzer.Message) []messageView {
	out := make([]messageView, 0, len(ms))
	for _, m := range ms {
		out = append(out, messageViewOf(m))
	}
	return out
}

// limited answers 429 with Retry-After when the limiter says wait.
func limited(w http.ResponseWriter, wait time.Duration) error {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	return meldwijzer.Errorf(meldwijzer.ERATELIMIT, "too many requests from this network; try again in %d s", int(math.Ceil(wait.Seconds())))
}

// createReport files an anonymous report (docs/api.md). A retry with the same Idempotency-Key and
// body gets the same answer and stores nothing new.
func (s *Server) createReport(w http.ResponseWriter, r *http.Request) error {
	if ok, wait := s.intakeLimit.Take(r); !ok {
		return limited(w, wait)
	}
	// followUp is required: a report sent without it used to get no receipt without a word.
	var body struct {
		meldpunt.Submission
		FollowUp *bool `json:"followUp"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.FollowUp == nil {
		return meldwijzer.Errorf(meldwijzer.EINVALID, "followUp is required: true to get a receipt and an answer, false for none")
	}
	if err := s.knownInstitution(r.PathValue("id")); err != nil {
		return err // unknown: 404; the institution store unreachable: 503, never a 404
	}
	sub := body.Submission
	sub.FollowUp = *body.FollowUp
	sub.Lang = lang(r, sub.Lang)
	res, err := s.meldpunt.Submit(r.Context(), r.PathValue("id"), r.Header.Get("Idempotency-Key"), sub)
	if err != nil {
		return err
	}
	var receipt *string
	if res.Receipt != "" {
		formatted := meldpunt.FormatReceipt(res.Receipt)
		receipt = &formatted
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{
		"report":  reportSummary{ID: res.Report.ID, Status: res.Report.Status, CreatedAt: day(res.Report.CreatedAt)},
		"receipt": receipt,
	})
	return nil
}

// receiptReport finds the report of the receipt in the Authorization header. A receipt whose
// check digits are wrong (nearly every guess) costs a failed-lookup token, charged before the
// answer, and no store read. A receipt with the right check digits is looked up whatever the
// failed lookups of its network, charged to the network's store reads; only if it then proves
// wrong does it cost a failed-lookup token too. So a school's pupils read their answers however
// much someone on the school's network guesses, and store reads stay bounded.
func (s *Server) receiptReport(w http.ResponseWriter, r *http.Request) (*meldwijzer.Report, error) {
	scheme, code, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Receipt") {
		code = ""
	}
	if !s.meldpunt.PlausibleReceipt(code) {
		if ok, wait := s.failedLimit.Take(r); !ok {
			return nil, limited(w, wait)
		}
	} else if ok, wait := s.lookupLimit.Take(r); !ok {
		return nil, limited(w, wait)
	}
	report, err := s.meldpunt.Self(r.Context(), code)
	if meldpunt.ErrNoReceipt(err) {
		if s.meldpunt.PlausibleReceipt(code) {
			s.failedLimit.Take(r)
		}
		w.Header().Set("WWW-Authenticate", "Receipt")
	}
	return report, err
}

func (s *Server) selfReport(w http.ResponseWriter, r *http.Request) error {
	report, err := s.receiptReport(w, r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"report": struct {
			ID            string `json:"id"`
			Status        string `json:"status"`
			Theme         string `json:"theme"`
			Where         string `json:"where"`
			CreatedAt     day    `json:"createdAt"`
			AcknowledgeBy day    `json:"acknowledgeBy"`
			FeedbackBy    day    `json:"feedbackBy"`
		}{report.ID, report.Status, report.Theme, report.Where, day(report.CreatedAt), day(report.AcknowledgeBy), day(report.FeedbackBy)},
		"messages": messageViews(report.Messages),
	})
	return nil
}

type textBody struct {
	Text string `json:"text"`
}

func (s *Server) selfMessage(w http.ResponseWriter, r *http.Request) error {
	var body textBody
	if err := decode(r, &body); err != nil {
		return err
	}
	report, err := s.receiptReport(w, r)
	if err != nil {
		return err
	}
	m, err := s.meldpunt.ReporterMessage(r.Context(), report, body.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"message": messageViewOf(*m)})
	return nil
}
