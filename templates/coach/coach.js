/*
 * Het coachdashboard van de Pijn Reset Methode: inloggen, leads, personen, intakes, export en het toegangslog.
 *
 * Served by CoachAppFunction at /coach/ (docs/coach-app.md). Plain JavaScript, no build step and no
 * dependencies: the page is small, and nothing third-party may run next to health data.
 *
 * Rules this file keeps:
 * - it talks only to its own origin: /coach/session (sign-in) and /coach/api (behind the JWT authorizer);
 * - the access token lives in this script's memory only: never in localStorage, sessionStorage or a cookie.
 *   A reload signs in again with the refresh token, which is an HttpOnly cookie this script cannot read;
 * - every text from the API is shown through textContent (never innerHTML); no inline styles;
 * - every text the dashboard writes itself is in TEXTS below, in Dutch;
 * - what the assistant may not do (export, erase, see answers) is not shown to the assistant; the API refuses
 *   it anyway.
 */
(function () {
  "use strict";

  var TEXTS = {
    loading: "Bezig met laden…",
    signInTitle: "Inloggen",
    signInIntro: "Log in met het account dat de beheerder voor je heeft aangemaakt.",
    username: "Gebruikersnaam",
    password: "Wachtwoord",
    signIn: "Inloggen",
    signingIn: "Bezig met inloggen…",
    newPasswordTitle: "Kies een nieuw wachtwoord",
    newPasswordIntro:
      "Je logt voor het eerst in met een tijdelijk wachtwoord. Kies nu je eigen wachtwoord: minstens 12 tekens, " +
      "met een hoofdletter, een kleine letter, een cijfer en een leesteken.",
    newPassword: "Nieuw wachtwoord",
    repeatPassword: "Herhaal het nieuwe wachtwoord",
    passwordsDiffer: "De twee wachtwoorden zijn niet gelijk.",
    passwordTooShort: "Kies een wachtwoord van minstens 12 tekens.",
    savePassword: "Wachtwoord opslaan",
    mfaSetupTitle: "Stel je authenticator-app in",
    mfaSetupIntro:
      "Voeg dit account toe aan een authenticator-app op je telefoon (zoals Google Authenticator, Microsoft " +
      "Authenticator of 1Password): neem de link hieronder over in de app, of voer de geheime sleutel met de hand in. " +
      "Vul daarna de code van 6 cijfers in die de app laat zien.",
    otpauthLabel: "Link voor de app",
    secretLabel: "Geheime sleutel",
    mfaCodeTitle: "Vul je code in",
    mfaCodeIntro: "Open je authenticator-app en vul de code van 6 cijfers in.",
    code: "Code van 6 cijfers",
    codeInvalid: "Vul de 6 cijfers uit je authenticator-app in.",
    confirm: "Bevestigen",
    startOver: "Opnieuw beginnen",
    required: "Dit is verplicht.",
    signOut: "Uitloggen",
    signedOut: "Je bent uitgelogd.",
    signedInAs: "Ingelogd als {user} ({role})",
    roles: { coach: "coach", assistant: "assistent" },
    menu: {
      leads: "Leads",
      intakes: "Intakes",
      exports: "Export",
      audit: "Toegangslog"
    },
    homeTitle: "Welkom, {user}",
    homeIntro: "Kies in het menu wat je wilt zien.",
    notFoundTitle: "Deze pagina bestaat niet",
    notFoundText: "Kies een onderdeel in het menu.",
    errors: {
      network: "Het dashboard kan de server nu niet bereiken. Controleer je internetverbinding en probeer het opnieuw.",
      unauthorized: "Je bent niet (meer) ingelogd. Log opnieuw in.",
      forbidden: "Met jouw account heb je geen toegang tot dit onderdeel.",
      notFound: "Dit bestaat niet (meer). Misschien is het verwijderd.",
      busy: "Het is even te druk. Probeer het over een minuut opnieuw.",
      server: "Er ging iets mis op de server. Probeer het over een paar minuten opnieuw.",
      other: "Dat lukte niet. Probeer het opnieuw."
    }
  };

  var SESSION = "/coach/session";
  var API = "/coach/api";
  var REFRESH_MARGIN_SECONDS = 120;

  var state = { token: null, user: null, refreshTimer: null, refreshing: null, generation: 0 };
  var main, menu, account, status;

  // --- Small DOM helpers ---------------------------------------------------------------------------------

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else if (name.indexOf("on") === 0) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function svg(tag, attributes) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, String(attributes[name]));
    });
    return node;
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  var uniqueCounter = 0;
  function uniqueId(prefix) {
    uniqueCounter += 1;
    return prefix + "-" + uniqueCounter;
  }

  function say(message) {
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  // --- The API -------------------------------------------------------------------------------------------

  function ApiProblem(status, body) {
    this.status = status;
    this.body = body || {};
    this.fields = (body && Array.isArray(body.fields) ? body.fields : []).filter(function (field) {
      return field && typeof field.field === "string";
    });
    this.message = problemMessage(status, body);
  }

  function problemMessage(code, body) {
    // The project's own errors carry a Dutch message; API Gateway's own 401 ({"message": "Unauthorized"}) does not.
    if (body && typeof body.error === "string" && typeof body.message === "string" && body.message) {
      return body.message;
    }
    if (code === 0) return TEXTS.errors.network;
    if (code === 401) return TEXTS.errors.unauthorized;
    if (code === 403) return TEXTS.errors.forbidden;
    if (code === 404) return TEXTS.errors.notFound;
    if (code === 429 || code === 503) return TEXTS.errors.busy;
    if (code >= 500) return TEXTS.errors.server;
    return TEXTS.errors.other;
  }

  function send(method, url, body, token, accept) {
    var headers = { Accept: accept || "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = "Bearer " + token;
    return fetch(url, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      redirect: "error"
    }).then(
      function (response) {
        return response;
      },
      function () {
        throw new ApiProblem(0, null);
      }
    );
  }

  function json(response) {
    return response.text().then(function (text) {
      var body = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch (error) {
        body = null;
      }
      if (!response.ok) throw new ApiProblem(response.status, body);
      return body;
    });
  }

  function sessionCall(path, body) {
    return send("POST", SESSION + path, body || {}).then(json);
  }

  // A call to /coach/api with the access token; after a 401 the token is renewed once and the call repeated.
  function api(method, path, body, options) {
    var opts = options || {};
    var attempt = function () {
      return send(method, API + path, body, state.token, opts.accept);
    };
    return attempt()
      .then(function (response) {
        if (response.status !== 401) return response;
        return refresh().then(function (renewed) {
          if (!renewed) {
            signedOut(TEXTS.errors.unauthorized);
            throw new ApiProblem(401, null);
          }
          return attempt();
        });
      })
      .then(function (response) {
        if (opts.raw) {
          if (!response.ok) return json(response);
          return response;
        }
        return json(response);
      });
  }

  // --- The session ---------------------------------------------------------------------------------------

  function useTokens(tokens) {
    state.token = tokens.access_token;
    window.clearTimeout(state.refreshTimer);
    var seconds = Math.max(30, (Number(tokens.expires_in) || 1800) - REFRESH_MARGIN_SECONDS);
    state.refreshTimer = window.setTimeout(function () {
      refresh();
    }, seconds * 1000);
  }

  // New tokens for the HttpOnly refresh cookie; resolves true or false, never rejects.
  function refresh() {
    if (state.refreshing) return state.refreshing;
    state.refreshing = sessionCall("/refresh")
      .then(
        function (tokens) {
          if (!tokens || !tokens.access_token) return false;
          useTokens(tokens);
          return true;
        },
        function () {
          return false;
        }
      )
      .then(function (renewed) {
        state.refreshing = null;
        return renewed;
      });
    return state.refreshing;
  }

  function signedIn(tokens) {
    useTokens(tokens);
    return loadUser();
  }

  function loadUser() {
    return api("GET", "/me").then(function (me) {
      state.user = { username: me.username, groups: me.groups || [] };
      showAccount();
      route();
    });
  }

  function isCoach() {
    return !!state.user && state.user.groups.indexOf("coach") !== -1;
  }

  function signOut() {
    sessionCall("/signout").then(
      function () {
        signedOut(TEXTS.signedOut);
      },
      function () {
        signedOut(TEXTS.signedOut);
      }
    );
  }

  function signedOut(message) {
    state.token = null;
    state.user = null;
    state.generation += 1;
    window.clearTimeout(state.refreshTimer);
    menu.hidden = true;
    account.hidden = true;
    menu.textContent = "";
    account.textContent = "";
    signInPage(message);
  }

  // --- Forms ---------------------------------------------------------------------------------------------

  // A labelled input with room for its error; returns {wrap, input, error}.
  function field(label, attributes) {
    var id = uniqueId("veld");
    var errorId = id + "-fout";
    var input = el("input", Object.assign({ id: id, name: id }, attributes || {}));
    var error = el("p", { className: "field-error", id: errorId, hidden: true });
    var wrap = el("div", { className: "field" }, [el("label", { for: id, text: label }), input, error]);
    return { wrap: wrap, input: input, error: error };
  }

  function setFieldError(entry, message) {
    entry.error.textContent = message || "";
    entry.error.hidden = !message;
    if (message) {
      entry.input.setAttribute("aria-invalid", "true");
      entry.input.setAttribute("aria-describedby", entry.error.id);
    } else {
      entry.input.removeAttribute("aria-invalid");
      entry.input.removeAttribute("aria-describedby");
    }
  }

  function alertBox() {
    return el("div", { className: "alert", role: "alert", hidden: true });
  }

  function showAlert(box, message) {
    box.textContent = message || "";
    box.hidden = !message;
  }

  // Shows an API problem: the message on top, each named field's own message at that field.
  function showProblem(box, problem, fieldsByName) {
    var message = problem instanceof ApiProblem ? problem.message : TEXTS.errors.other;
    showAlert(box, message);
    var first = null;
    if (problem instanceof ApiProblem) {
      problem.fields.forEach(function (named) {
        var entry = (fieldsByName || {})[named.field];
        if (entry) {
          setFieldError(entry, named.message);
          first = first || entry.input;
        }
      });
    }
    (first || box).focus();
  }

  function button(text, attributes) {
    return el("button", Object.assign({ type: "button", text: text }, attributes || {}));
  }

  function busy(buttonNode, isBusy, text) {
    if (isBusy) {
      buttonNode.dataset.label = buttonNode.textContent;
      buttonNode.textContent = text || TEXTS.loading;
      buttonNode.disabled = true;
    } else {
      buttonNode.textContent = buttonNode.dataset.label || buttonNode.textContent;
      buttonNode.disabled = false;
    }
  }

  // --- Pages ---------------------------------------------------------------------------------------------

  function page(title, children) {
    main.textContent = "";
    var heading = el("h1", { tabindex: "-1", text: title });
    main.appendChild(heading);
    (children || []).forEach(function (child) {
      if (child) main.appendChild(child);
    });
    document.title = title + " - Coachdashboard";
    heading.focus();
    return heading;
  }

  function signInPage(message) {
    var box = alertBox();
    var username = field(TEXTS.username, { autocomplete: "username", autocapitalize: "none", spellcheck: "false" });
    var password = field(TEXTS.password, { type: "password", autocomplete: "current-password" });
    var submit = el("button", { type: "submit", text: TEXTS.signIn });
    var form = el("form", { className: "card narrow", novalidate: true, "aria-label": TEXTS.signInTitle }, [
      box,
      el("p", { text: TEXTS.signInIntro }),
      username.wrap,
      password.wrap,
      el("p", { className: "actions" }, [submit])
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      [username, password].forEach(function (entry) {
        setFieldError(entry, "");
      });
      showAlert(box, "");
      var missing = [username, password].filter(function (entry) {
        return !entry.input.value;
      });
      if (missing.length) {
        missing.forEach(function (entry) {
          setFieldError(entry, TEXTS.required);
        });
        missing[0].input.focus();
        return;
      }
      busy(submit, true, TEXTS.signingIn);
      var name = username.input.value.trim();
      sessionCall("", { username: name, password: password.input.value })
        .then(function (answer) {
          return nextStep(name, answer);
        })
        .catch(function (problem) {
          busy(submit, false);
          password.input.value = "";
          showProblem(box, problem, { username: username, password: password });
        });
    });
    page(TEXTS.signInTitle, [form]);
    if (message) showAlert(box, message);
  }

  function nextStep(username, answer) {
    if (answer && answer.access_token) return signedIn(answer);
    if (answer && answer.challenge === "NEW_PASSWORD_REQUIRED") return newPasswordPage(username, answer);
    if (answer && (answer.challenge === "MFA_SETUP" || answer.challenge === "SOFTWARE_TOKEN_MFA")) {
      return codePage(username, answer);
    }
    throw new ApiProblem(500, null);
  }

  function challengeForm(title, intro, entries, submitText, extra, collect, validate) {
    var box = alertBox();
    var submit = el("button", { type: "submit", text: submitText });
    var again = button(TEXTS.startOver, { className: "secondary", onclick: function () { signInPage(); } });
    var form = el(
      "form",
      { className: "card narrow", novalidate: true, "aria-label": title },
      [box, el("p", { text: intro })].concat(extra || []).concat(
        entries.map(function (entry) {
          return entry.wrap;
        })
      ).concat([el("p", { className: "actions" }, [submit, again])])
    );
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      entries.forEach(function (entry) {
        setFieldError(entry, "");
      });
      showAlert(box, "");
      var invalid = validate();
      if (invalid) {
        setFieldError(invalid.entry, invalid.message);
        invalid.entry.input.focus();
        return;
      }
      busy(submit, true, TEXTS.signingIn);
      collect()
        .catch(function (problem) {
          busy(submit, false);
          if (problem instanceof ApiProblem && problem.status === 401 && problem.body.error === "session_expired") {
            signInPage(problem.message);
            return;
          }
          showProblem(box, problem, form.fieldsByName);
        });
    });
    page(title, [form]);
    return form;
  }

  function newPasswordPage(username, step) {
    var first = field(TEXTS.newPassword, { type: "password", autocomplete: "new-password" });
    var second = field(TEXTS.repeatPassword, { type: "password", autocomplete: "new-password" });
    var form = challengeForm(
      TEXTS.newPasswordTitle,
      TEXTS.newPasswordIntro,
      [first, second],
      TEXTS.savePassword,
      [],
      function () {
        return sessionCall("/challenge", {
          username: username,
          challenge: step.challenge,
          session: step.session,
          new_password: first.input.value
        }).then(function (answer) {
          return nextStep(username, answer);
        });
      },
      function () {
        if (!first.input.value) return { entry: first, message: TEXTS.required };
        if (first.input.value.length < 12) return { entry: first, message: TEXTS.passwordTooShort };
        if (first.input.value !== second.input.value) return { entry: second, message: TEXTS.passwordsDiffer };
        return null;
      }
    );
    form.fieldsByName = { new_password: first };
  }

  function codePage(username, step) {
    var code = field(TEXTS.code, {
      inputmode: "numeric",
      autocomplete: "one-time-code",
      pattern: "[0-9]{6}",
      maxlength: "6"
    });
    var setup = step.challenge === "MFA_SETUP";
    var extra = [];
    if (setup) {
      extra.push(
        el("dl", { className: "secret" }, [
          el("dt", { text: TEXTS.otpauthLabel }),
          el("dd", {}, [el("code", { text: step.otpauth_uri || "" })]),
          el("dt", { text: TEXTS.secretLabel }),
          el("dd", {}, [el("code", { text: step.secret_code || "" })])
        ])
      );
    }
    var form = challengeForm(
      setup ? TEXTS.mfaSetupTitle : TEXTS.mfaCodeTitle,
      setup ? TEXTS.mfaSetupIntro : TEXTS.mfaCodeIntro,
      [code],
      TEXTS.confirm,
      extra,
      function () {
        return sessionCall("/challenge", {
          username: username,
          challenge: step.challenge,
          session: step.session,
          code: code.input.value.replace(/\s+/g, "")
        }).then(function (answer) {
          return nextStep(username, answer);
        });
      },
      function () {
        if (!/^[0-9]{6}$/.test(code.input.value.replace(/\s+/g, ""))) return { entry: code, message: TEXTS.codeInvalid };
        return null;
      }
    );
    form.fieldsByName = { code: code };
  }

  // --- The signed-in shell -------------------------------------------------------------------------------

  var PAGES = [];

  function showAccount() {
    account.textContent = "";
    var role = isCoach() ? TEXTS.roles.coach : TEXTS.roles.assistant;
    account.appendChild(el("span", { text: fill(TEXTS.signedInAs, { user: state.user.username, role: role }) }));
    account.appendChild(button(TEXTS.signOut, { className: "secondary", onclick: signOut }));
    account.hidden = false;
    menu.textContent = "";
    var list = el("ul");
    PAGES.filter(function (entry) {
      return entry.coachOnly ? isCoach() : true;
    }).forEach(function (entry) {
      list.appendChild(el("li", {}, [el("a", { href: "#/" + entry.path, "data-page": entry.path, text: entry.label })]));
    });
    menu.appendChild(list);
    menu.hidden = !list.children.length;
  }

  function markCurrent(path) {
    Array.prototype.forEach.call(menu.querySelectorAll("a[data-page]"), function (link) {
      if (link.getAttribute("data-page") === path) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
  }

  function route() {
    if (!state.user) return;
    state.generation += 1;
    var parts = (window.location.hash || "").replace(/^#\/?/, "").split("/").map(decodeURIComponent);
    var name = parts[0] || "";
    var entry = PAGES.filter(function (candidate) {
      return candidate.path === name && (!candidate.coachOnly || isCoach());
    })[0];
    markCurrent(entry ? entry.path : name);
    if (!name && !PAGES.length) {
      page(fill(TEXTS.homeTitle, { user: state.user.username }), [el("p", { text: TEXTS.homeIntro })]);
      return;
    }
    if (!name) entry = PAGES[0];
    if (!entry) {
      page(TEXTS.notFoundTitle, [el("p", { text: TEXTS.notFoundText })]);
      return;
    }
    entry.show(parts.slice(1), state.generation);
  }

  // --- Start ---------------------------------------------------------------------------------------------

  function start() {
    main = document.querySelector("[data-main]");
    menu = document.querySelector("[data-menu]");
    account = document.querySelector("[data-account]");
    status = document.querySelector("[data-status]");
    var skip = document.querySelector("[data-skip]");
    // The address's # belongs to the pages; the skip link moves the focus itself.
    skip.addEventListener("click", function (event) {
      event.preventDefault();
      main.focus();
    });
    window.addEventListener("hashchange", route);
    refresh().then(function (renewed) {
      if (!renewed) {
        signInPage();
        return;
      }
      loadUser().catch(function () {
        signedOut();
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
