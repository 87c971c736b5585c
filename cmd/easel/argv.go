package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// normaliseArgs lets Terraform-style single-dash long flags work with
// cobra: "-name" and "-name=value" become "--name" and "--name=value" when
// name is a long flag of the command being run (its own or inherited).
// Shorthands such as "-h", "--long" flags, positional arguments and
// everything after "--" are left as they are.
func normaliseArgs(root *cobra.Command, args []string) []string {
	out := make([]string, 0, len(args))
	cmd := root
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return append(out, args[i:]...)
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			cmd = subcommand(cmd, arg)
			out = append(out, arg)
			continue
		}
		name, hasValue := flagName(arg)
		f := lookupFlag(cmd, name)
		if f == nil {
			out = append(out, arg)
			continue
		}
		if !strings.HasPrefix(arg, "--") {
			arg = "-" + arg
		}
		out = append(out, arg)
		if !hasValue && f.NoOptDefVal == "" && i+1 < len(args) {
			i++ // the flag's value, given as the next argument
			out = append(out, args[i])
		}
	}
	return out
}

// flagName returns the name part of "-name", "--name" or "-name=value".
func flagName(arg string) (name string, hasValue bool) {
	name = strings.TrimLeft(arg, "-")
	name, _, hasValue = strings.Cut(name, "=")
	return name, hasValue
}

// subcommand returns cmd's subcommand called name, or cmd itself.
func subcommand(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return c
		}
	}
	return cmd
}

// lookupFlag finds a long flag of cmd by name, including inherited ones.
// Single-letter names are shorthands and are not looked up.
func lookupFlag(cmd *cobra.Command, name string) *pflag.Flag {
	if len(name) < 2 {
		return nil
	}
	cmd.InitDefaultHelpFlag()
	if f := cmd.Flags().Lookup(name); f != nil {
		return f
	}
	return cmd.InheritedFlags().Lookup(name)
}
