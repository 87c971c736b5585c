package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

// allowedActions are the only actions the recipes may use: GitHub's own,
// pinned by major version.
var allowedActions = map[string]bool{
	"actions/checkout":        true,
	"actions/setup-go":        true,
	"actions/github-script":   true,
	"actions/upload-artifact": true,
}

// TestCIRecipesMatchExamples keeps examples/ci and what easel init -ci
// writes the same files.
func TestCIRecipesMatchExamples(t *testing.T) {
	for name, example := range map[string]string{"github": "github/easel.yml", "gitlab": "gitlab/easel.gitlab-ci.yml"} {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("..", "..", "examples", "ci", filepath.FromSlash(example)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ciRecipes[name].data, want) {
				t.Errorf("cmd/easel/ci and examples/ci/%s differ: copy one over the other", example)
			}
		})
	}
}

// workflow is a GitHub Actions workflow: decoded with KnownFields, any
// key that is not in GitHub's workflow syntax is an error.
type workflow struct {
	Name        string            `yaml:"name"`
	RunName     string            `yaml:"run-name"`
	On          map[string]any    `yaml:"on"`
	Permissions any               `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Defaults    any               `yaml:"defaults"`
	Concurrency any               `yaml:"concurrency"`
	Jobs        map[string]struct {
		Name            string            `yaml:"name"`
		Needs           any               `yaml:"needs"`
		If              string            `yaml:"if"`
		RunsOn          string            `yaml:"runs-on"`
		Permissions     any               `yaml:"permissions"`
		Environment     any               `yaml:"environment"`
		Concurrency     any               `yaml:"concurrency"`
		Outputs         map[string]string `yaml:"outputs"`
		Env             map[string]string `yaml:"env"`
		Defaults        any               `yaml:"defaults"`
		TimeoutMinutes  int               `yaml:"timeout-minutes"`
		Strategy        any               `yaml:"strategy"`
		ContinueOnError any               `yaml:"continue-on-error"`
		Container       any               `yaml:"container"`
		Services        any               `yaml:"services"`
		Steps           []struct {
			ID               string            `yaml:"id"`
			If               string            `yaml:"if"`
			Name             string            `yaml:"name"`
			Uses             string            `yaml:"uses"`
			Run              string            `yaml:"run"`
			Shell            string            `yaml:"shell"`
			With             map[string]string `yaml:"with"`
			Env              map[string]string `yaml:"env"`
			ContinueOnError  any               `yaml:"continue-on-error"`
			TimeoutMinutes   int               `yaml:"timeout-minutes"`
			WorkingDirectory string            `yaml:"working-directory"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestGitHubWorkflow checks the workflow is valid YAML of the expected
// shape, names only allowed actions, and runs only easel commands and
// flags that exist.
func TestGitHubWorkflow(t *testing.T) {
	problems := checkWorkflow(githubWorkflow, (&app{}).rootCommand())
	for _, p := range problems {
		t.Error(p)
	}
}

func checkWorkflow(src []byte, root *cobra.Command) []string {
	var wf workflow
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&wf); err != nil {
		return []string{"not a valid workflow: " + err.Error()}
	}
	var problems []string
	if wf.Name == "" || len(wf.On) == 0 || len(wf.Jobs) == 0 {
		problems = append(problems, "the workflow needs a name, triggers and jobs")
	}
	for _, trigger := range []string{"pull_request", "push"} {
		if _, ok := wf.On[trigger]; !ok {
			problems = append(problems, "the workflow does not run on "+trigger)
		}
	}
	commands := 0
	for jobName, job := range wf.Jobs {
		if job.RunsOn == "" || len(job.Steps) == 0 {
			problems = append(problems, fmt.Sprintf("job %s needs runs-on and steps", jobName))
		}
		for i, step := range job.Steps {
			where := fmt.Sprintf("job %s, step %d", jobName, i+1)
			switch {
			case (step.Uses == "") == (step.Run == ""):
				problems = append(problems, where+": a step has either uses or run")
			case step.Uses != "":
				problems = append(problems, checkAction(where, step.Uses)...)
			default:
				for _, argv := range easelCommands(step.Run) {
					commands++
					if err := checkEaselCommand(root, argv); err != nil {
						problems = append(problems, fmt.Sprintf("%s: %q: %v", where, strings.Join(argv, " "), err))
					}
				}
			}
		}
	}
	if commands == 0 {
		problems = append(problems, "the workflow runs no easel command")
	}
	return problems
}

func checkAction(where, uses string) []string {
	name, ref, ok := strings.Cut(uses, "@")
	switch {
	case !ok || ref == "":
		return []string{fmt.Sprintf("%s: %s is not pinned to a version", where, uses)}
	case !allowedActions[name]:
		return []string{fmt.Sprintf("%s: %s is not one of the allowed actions", where, name)}
	}
	return nil
}

// easelAt finds "easel" where a shell command starts: at the start of a
// line or after |, ||, &&, ; or $(.
var easelAt = regexp.MustCompile(`(?m)(?:^|\|\|?|&&|;|\$\()\s*easel(?:\s|$)`)

// easelCommands returns the argument vectors of the easel commands in a
// shell script, stopping each at a redirection or shell operator.
func easelCommands(script string) [][]string {
	script = strings.ReplaceAll(script, "\\\n", " ")
	var out [][]string
	for _, loc := range easelAt.FindAllStringIndex(script, -1) {
		rest := script[loc[0]:]
		rest = rest[strings.Index(rest, "easel"):]
		out = append(out, shellWords(rest))
	}
	return out
}

// shellWords splits a command line into words (quotes removed, variables
// kept as written) up to the first operator or end of line.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	flush := func() {
		if inWord {
			words = append(words, w.String())
			w.Reset()
			inWord = false
		}
	}
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == '\n' || strings.ContainsRune("|&;<>)", r):
			flush()
			return words
		case r == ' ' || r == '\t':
			flush()
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return words
}

// checkEaselCommand checks that argv names an easel command and only
// flags that command has.
func checkEaselCommand(root *cobra.Command, argv []string) error {
	cmd := root
	for i := 1; i < len(argv); i++ {
		arg := argv[i]
		if !strings.HasPrefix(arg, "-") {
			if sub := subcommand(cmd, arg); sub != cmd {
				cmd = sub
			} else if cmd == root {
				return fmt.Errorf("easel has no command %q", arg)
			}
			continue
		}
		name, hasValue := flagName(arg)
		f := lookupFlag(cmd, name)
		if f == nil {
			return fmt.Errorf("%s has no flag -%s", cmd.CommandPath(), name)
		}
		if !hasValue && f.NoOptDefVal == "" {
			i++ // its value
		}
	}
	if cmd == root {
		return fmt.Errorf("no easel command")
	}
	return nil
}

// TestCheckWorkflowFails makes sure the workflow check can fail.
func TestCheckWorkflowFails(t *testing.T) {
	base := "name: x\non:\n  pull_request:\n  push:\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
	tests := []struct {
		name, steps, want string
	}{
		{"unknown action", "      - uses: someone/else@v1\n      - run: easel plan\n", "not one of the allowed actions"},
		{"unpinned action", "      - uses: actions/checkout\n      - run: easel plan\n", "not pinned"},
		{"unknown command", "      - run: easel deploy -now\n", `no command "deploy"`},
		{"unknown flag", "      - run: |\n          x=1\n          easel plan -frobnicate > out.md || true\n", "has no flag -frobnicate"},
		{"flag of another command", "      - run: echo && easel list -auto-approve\n", "easel list has no flag -auto-approve"},
		{"not YAML", "      - run: [unclosed\n", "not a valid workflow"},
		{"unknown key", "      - runs: easel plan\n", "not a valid workflow"},
	}
	root := (&app{}).rootCommand()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := strings.Join(checkWorkflow([]byte(base+tt.steps), root), "\n")
			if !strings.Contains(problems, tt.want) {
				t.Errorf("problems %q; want one containing %q", problems, tt.want)
			}
		})
	}
}

func TestEaselCommands(t *testing.T) {
	script := "go install \"github.com/easelhq/easel/cmd/easel@${V}\"\n" +
		"status=0\neasel plan -format=markdown -image-url-base \"$BASE\" -max-cost \"$M\" > \"$T/c.md\" || status=$?\n" +
		"easel report -out x.html || true\n" +
		"easel list -json | jq -r '.images[].output'\n" +
		"easel apply \\\n  -auto-approve\n"
	var got []string
	for _, argv := range easelCommands(script) {
		got = append(got, strings.Join(argv, " "))
	}
	want := []string{"easel plan -format=markdown -image-url-base $BASE -max-cost $M", "easel report -out x.html",
		"easel list -json", "easel apply -auto-approve"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestGitLabJob checks the GitLab recipe is valid YAML whose scripts run
// only easel commands and flags that exist.
func TestGitLabJob(t *testing.T) {
	var doc map[string]struct {
		Extends      string   `yaml:"extends"`
		Stage        string   `yaml:"stage"`
		BeforeScript []string `yaml:"before_script"`
		Script       []string `yaml:"script"`
	}
	var raw map[string]any
	if err := yaml.Unmarshal(gitlabJob, &raw); err != nil {
		t.Fatalf("not valid YAML: %v", err)
	}
	jobs := map[string]any{}
	for k, v := range raw {
		if k != "stages" && k != "variables" {
			jobs[k] = v
		}
	}
	data, _ := yaml.Marshal(jobs)
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("jobs of an unexpected shape: %v", err)
	}
	root := (&app{}).rootCommand()
	commands := 0
	for name, job := range doc {
		for _, line := range append(job.BeforeScript, job.Script...) {
			for _, argv := range easelCommands(line) {
				commands++
				if err := checkEaselCommand(root, argv); err != nil {
					t.Errorf("job %s: %q: %v", name, strings.Join(argv, " "), err)
				}
			}
		}
	}
	for _, job := range []string{"easel:plan", "easel:apply"} {
		if doc[job].Stage == "" || len(doc[job].Script) == 0 {
			t.Errorf("no %s job with a stage and a script", job)
		}
	}
	if commands < 5 {
		t.Errorf("%d easel commands found in the GitLab recipe; the check is not reading its scripts", commands)
	}
}
