package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"meldwijzer"
	"meldwijzer/auth"
)

// tokenCommand prints a Bearer token that the local server in the same data directory accepts.
func tokenCommand(args []string) error {
	fl := flag.NewFlagSet("token", flag.ContinueOnError)
	institution := fl.String("institution", "", "institution id (see `meldwijzer institution list`)")
	role := fl.String("role", auth.RoleHandler, "handler, admin, viewer, staff or sector (sector: no -institution)")
	data := fl.String("data", "data", "the local server's data directory (holds the signing key)")
	ttl := fl.Duration("ttl", 8*time.Hour, "how long the token is valid")
	subject := fl.String("subject", "", "who the token is for, as the audit log shows it (default local-ROLE)")
	storeKind := fl.String("store", "bolt", "where the institutions are: bolt (in -data) or dynamodb (the usual AWS environment)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if !slices.Contains(auth.Roles, *role) {
		return fmt.Errorf("role must be one of %v, not %q", auth.Roles, *role)
	}
	if sector := *role == auth.RoleSector; sector != (*institution == "") {
		return fmt.Errorf("the sector role has no -institution; every other role needs one")
	}
	if *institution != "" {
		store, closeStore, err := openInstitutionStore(context.Background(), *storeKind, *data)
		if err != nil {
			return err
		}
		_, err = store.Institution(context.Background(), *institution)
		closeStore()
		if err != nil {
			return fmt.Errorf("%s (add it with `meldwijzer institution add`, or run `serve -demo` once for the demo institutions)", meldwijzer.ErrorMessage(err))
		}
	}
	if *subject == "" {
		*subject = "local-" + *role
	}
	if err := os.MkdirAll(*data, 0o700); err != nil {
		return err
	}
	key, err := auth.LoadLocalKey(filepath.Join(*data, "token.key"))
	if err != nil {
		return err
	}
	tok, err := key.Sign(auth.Identity{Subject: *subject, Institution: *institution, Role: *role}, *ttl)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}
