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
    labels: {
      triage: { urgent: "Urgent", see_gp: "Naar de huisarts", none: "Geen rode vlag" },
      category: { low: "laag", medium: "gemiddeld", high: "hoog" },
      optin: { none: "geen", requested: "aangevraagd", confirmed: "bevestigd", unsubscribed: "afgemeld" },
      intake: { none: "geen", open: "open", handled: "afgehandeld", requested: "open" },
      band: { low: "laag", medium: "gemiddeld", high: "hoog" },
      emailStatus: {
        pending: "wacht",
        sending: "wordt verstuurd",
        sent: "verstuurd",
        failed: "mislukt",
        skipped: "niet verstuurd"
      },
      emailKind: {
        result: "uitslag",
        optin_confirm: "bevestiging van de aanmelding",
        intake_confirmation: "bevestiging van de intake-aanvraag",
        intake_coach: "intake-aanvraag aan de coach"
      },
      followups: {
        none: "geen",
        requested: "aangevraagd, nog niet bevestigd",
        active: "actief",
        paused: "gepauzeerd",
        stopped: "gestopt"
      },
      contact: { phone: "telefonisch", email: "per e-mail", video: "videogesprek" },
      moments: {
        weekday_morning: "doordeweeks 's ochtends",
        weekday_afternoon: "doordeweeks 's middags",
        weekday_evening: "doordeweeks 's avonds",
        saturday: "zaterdag"
      },
      purpose: { health_data: "gezondheidsgegevens", marketing: "vervolgmails", intake: "intake", contact: "contact" },
      detail: {
        results: "uitslagen",
        answers: "met antwoorden",
        items: "gegevens",
        note_id: "notitie",
        intake_id: "intake",
        genuine: "echt aangevraagd",
        from: "van",
        to: "tot en met",
        rows: "regels",
        deleted: "verwijderd"
      },
      action: {
        view: "persoon bekeken",
        lookup: "gezocht op e-mailadres",
        pdf: "pdf geopend",
        note: "notitie toegevoegd",
        handled: "intake afgehandeld",
        export_person: "persoon geëxporteerd (JSON)",
        export_leads_csv: "leads geëxporteerd (CSV)",
        export_intakes_csv: "intakes geëxporteerd (CSV)",
        erase: "persoon gewist"
      }
    },
    any: "alle",
    from: "Van",
    to: "Tot en met",
    filter: "Filteren",
    clearFilters: "Wis filters",
    more: "Meer laden",
    none: "Niets gevonden.",
    yes: "ja",
    no: "nee",
    dash: "–",
    leads: {
      title: "Leads",
      searchTitle: "Zoek één persoon",
      email: "E-mailadres (precies)",
      search: "Zoeken",
      filtersTitle: "Filters",
      triage: "Triage",
      category: "Categorie",
      optin: "Vervolgmails",
      intake: "Intake",
      source: "Bron (utm_source)",
      campaign: "Campagne (utm_campaign)",
      caption: "Leads, nieuwste eerst",
      columns: ["Eerste formulier", "Naam", "E-mailadres", "Triage", "Categorie", "Vervolgmails", "Intake", "Bron"],
      count: "Leads getoond: {n}",
      notFoundByEmail: "Niemand met dit e-mailadres."
    },
    person: {
      back: "Terug naar de leads",
      facts: "Gegevens",
      email: "E-mailadres",
      name: "Naam",
      nameUnverified: "{name} (niet bevestigd)",
      firstSeen: "Eerste formulier",
      verifiedAt: "E-mailadres bevestigd",
      source: "Bron",
      campaign: "Campagne",
      optin: "Vervolgmails",
      intake: "Intake",
      redFlags: "Rode vlaggen",
      redFlagsIntro: "Deze antwoorden gaan voor elke score: neem ze eerst door.",
      urgentFlag: "Urgent",
      seeGpFlag: "Naar de huisarts",
      results: "Uitslagen",
      resultOf: "Pijntest van {date}",
      total: "totaal {total} van {max}",
      category: "categorie {category}",
      noScore: "Geen score",
      themes: "Thema's",
      themeValue: "{score} van {max} ({percent}%, {band})",
      drivers: "Wat de score bepaalde",
      driverAnswer: "{text} — antwoord: {answer}",
      answers: "Antwoorden",
      answersHidden: "Antwoorden zijn alleen voor de coach zichtbaar.",
      consents: "Toestemmingen met bewijs",
      consentColumns: ["Waarvoor", "Gegeven", "Wanneer", "Tekstversie", "SHA-256 van de tekst", "Via"],
      granted: "gegeven",
      withdrawn: "ingetrokken",
      emails: "E-mails",
      emailColumns: ["Soort", "Status", "Aangemaakt", "Verstuurd", "Reden"],
      followups: "Vervolgmails",
      followupState: "Stand: {state}",
      followupStep: "{step} ({status}), gepland op {due}",
      intakes: "Intakes",
      notes: "Notities",
      noteBy: "{author}, {date}",
      noteLabel: "Nieuwe notitie",
      addNote: "Notitie toevoegen",
      noteAdded: "De notitie is toegevoegd.",
      actions: "Acties",
      exportJson: "Exporteer alles als JSON",
      exported: "De export is gedownload.",
      erase: "Wis deze persoon",
      eraseTitle: "{who} definitief wissen?",
      eraseIntro: "Dit verwijdert alles van deze persoon, en kan niet ongedaan worden gemaakt:",
      eraseWhat: [
        "het profiel met naam en e-mailadres",
        "{results} uitslag(en) van de Pijntest met alle antwoorden",
        "{intakes} intake-aanvraag/-aanvragen",
        "{notes} notitie(s)",
        "de toestemmingen met hun bewijs",
        "de e-mails en de geplande vervolgmails"
      ],
      eraseKept:
        "Alleen een versleutelde hash blijft over: in het toegangslog en, als de persoon geen mail meer wil, " +
        "als blokkade zodat er nooit meer mail naartoe gaat.",
      eraseConfirm: "Ja, wis definitief",
      cancel: "Annuleren",
      erased: "{who} is gewist ({deleted} gegevens verwijderd).",
      accessLog: "Toegangslog van deze persoon"
    },
    intakes: {
      title: "Intakes",
      open: "Open, oudste eerst",
      handled: "Afgehandeld",
      show: "Welke intakes",
      showButton: "Toon",
      caption: "Intake-aanvragen",
      columns: ["Aangevraagd", "Naam", "Contact", "Momenten", "Bericht", "Status", ""],
      markHandled: "Markeer als afgehandeld",
      markedHandled: "De intake van {name} is afgehandeld.",
      handledAt: "afgehandeld op {date}",
      urgent: "Urgent",
      seeGp: "Huisarts"
    },
    exports: {
      title: "Export",
      intro:
        "Download de leads of de intakes van een periode als CSV-bestand (gescheiden door puntkomma's, opent in " +
        "Excel). Standaard met zo min mogelijk kolommen.",
      answers: "Met de antwoorden van de laatste Pijntest (alleen leads)",
      leads: "Download leads (CSV)",
      intakes: "Download intakes (CSV)",
      done: "{file} is gedownload ({rows} regels).",
      working: "Bezig met exporteren…"
    },
    audit: {
      title: "Toegangslog",
      titleOf: "Toegangslog van één persoon",
      intro: "Wie wat heeft gedaan met de gegevens van cliënten: inzien, exporteren, wissen, notities en afhandelen.",
      all: "Toon het hele toegangslog",
      caption: "Toegangslog, nieuwste eerst",
      columns: ["Wanneer", "Wie", "Wat", "Persoon (hash)", "Details"]
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

  var sayTimer = null;
  function say(message) {
    status.textContent = "";
    window.clearTimeout(sayTimer);
    window.setTimeout(function () {
      status.textContent = message;
      sayTimer = window.setTimeout(function () {
        status.textContent = "";
      }, 8000);
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

  // --- Shared bits of the pages ------------------------------------------------------------------------------

  var AMSTERDAM = "Europe/Amsterdam";

  function when(iso) {
    if (!iso) return TEXTS.dash;
    var date = new Date(iso);
    if (isNaN(date.getTime())) return String(iso);
    return date.toLocaleString("nl-NL", {
      timeZone: AMSTERDAM,
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit"
    });
  }

  function label(group, value) {
    if (value === null || value === undefined || value === "") return TEXTS.dash;
    var known = TEXTS.labels[group] || {};
    return Object.prototype.hasOwnProperty.call(known, value) ? known[value] : String(value);
  }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      if (value === null || value === undefined || value === "") return;
      parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(value));
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  function flagBadge(triage, urgent) {
    if (urgent || triage === "urgent") return el("span", { className: "flag", text: TEXTS.labels.triage.urgent });
    if (triage === "see_gp") return el("span", { className: "flag see-gp", text: TEXTS.labels.triage.see_gp });
    return el("span", { className: "muted", text: TEXTS.labels.triage.none });
  }

  function personLink(leadId, text) {
    return el("a", { href: "#/leads/" + encodeURIComponent(leadId), text: text });
  }

  // A table whose rows become labelled blocks on a phone (.stack-table).
  function table(caption, columns, rows) {
    var head = el("thead", {}, [
      el(
        "tr",
        {},
        columns.map(function (column) {
          return el("th", { scope: "col", text: column });
        })
      )
    ]);
    var body = el("tbody");
    var node = el("table", { className: "stack-table" }, [el("caption", { text: caption }), head, body]);
    (rows || []).forEach(function (row) {
      addRow(node, columns, row);
    });
    return el("div", { className: "table-wrap" }, [node]);
  }

  function addRow(tableNode, columns, row) {
    var tr = el("tr", { className: row.flagged ? "flagged" : null });
    row.cells.forEach(function (cell, index) {
      var content = typeof cell === "string" || typeof cell === "number" ? String(cell) : cell;
      tr.appendChild(el("td", { "data-label": columns[index] || null }, [content]));
    });
    tableNode.querySelector("tbody").appendChild(tr);
  }

  function select(labelText, name, options, value) {
    var id = uniqueId("veld");
    var node = el(
      "select",
      { id: id, name: name },
      [el("option", { value: "", text: TEXTS.any })].concat(
        options.map(function (option) {
          return el("option", { value: option[0], text: option[1], selected: option[0] === value });
        })
      )
    );
    return { wrap: el("div", { className: "field" }, [el("label", { for: id, text: labelText }), node]), input: node };
  }

  function pairs(group) {
    return Object.keys(TEXTS.labels[group]).map(function (key) {
      return [key, TEXTS.labels[group][key]];
    });
  }

  // A page's content arrives later than the page itself; one that was left in the meantime stays left.
  function current(generation) {
    return generation === state.generation;
  }

  function failed(box, generation) {
    return function (problem) {
      if (!current(generation)) return;
      showProblem(box, problem);
    };
  }

  function download(fileName, blob) {
    var url = URL.createObjectURL(blob);
    var link = el("a", { href: url, download: fileName, hidden: true });
    document.body.appendChild(link);
    link.click();
    window.setTimeout(function () {
      URL.revokeObjectURL(url);
      link.remove();
    }, 1000);
  }

  function today() {
    return new Date().toLocaleDateString("sv-SE", { timeZone: AMSTERDAM });
  }

  function daysAgo(days) {
    return new Date(Date.now() - days * 86400000).toLocaleDateString("sv-SE", { timeZone: AMSTERDAM });
  }

  // The questionnaire (public, GET /pijntest) names the questions and answers a stored test holds by id.
  var questionnaire = null;
  function questions() {
    if (questionnaire) return Promise.resolve(questionnaire);
    return send("GET", "/pijntest")
      .then(json)
      .then(
        function (body) {
          questionnaire = {};
          (body.questions || []).forEach(function (question) {
            var options = {};
            (question.options || []).forEach(function (option) {
              options[String(option.value)] = option.label;
            });
            questionnaire[question.id] = { text: question.text, options: options };
          });
          return questionnaire;
        },
        function () {
          return {};
        }
      );
  }

  // Under a list: the next page's button while the API gives a cursor, or a line that nothing was found.
  function pager(results, cursor, shown, next, emptyText) {
    var old = results.querySelector("[data-more]");
    if (old) old.remove();
    if (!shown && !cursor) results.appendChild(el("p", { "data-more": true, text: emptyText || TEXTS.none }));
    if (cursor) {
      var node = button(TEXTS.more, { className: "secondary" });
      node.addEventListener("click", function () {
        busy(node, true);
        next(cursor);
      });
      results.appendChild(el("p", { className: "actions", "data-more": true }, [node]));
    }
  }

  // --- Leads ---------------------------------------------------------------------------------------------

  var leadFilters = {};

  function leadsPage(parts, generation) {
    if (parts.length && parts[0]) {
      personPage(parts[0], generation);
      return;
    }
    var box = alertBox();
    var email = field(TEXTS.leads.email, { type: "email", autocomplete: "off", value: leadFilters.email || "" });
    var search = el("form", { className: "card", novalidate: true, "aria-labelledby": "zoek-kop" }, [
      el("h2", { id: "zoek-kop", text: TEXTS.leads.searchTitle }),
      email.wrap,
      el("p", { className: "actions" }, [el("button", { type: "submit", text: TEXTS.leads.search })])
    ]);
    var from = field(TEXTS.from, { type: "date", value: leadFilters.from || "" });
    var to = field(TEXTS.to, { type: "date", value: leadFilters.to || "" });
    var triage = select(TEXTS.leads.triage, "triage", pairs("triage"), leadFilters.triage);
    var category = select(TEXTS.leads.category, "category", pairs("category"), leadFilters.category);
    var optin = select(TEXTS.leads.optin, "optin", pairs("optin"), leadFilters.optin);
    var intake = select(
      TEXTS.leads.intake,
      "intake",
      [["none", TEXTS.labels.intake.none], ["open", TEXTS.labels.intake.open], ["handled", TEXTS.labels.intake.handled]],
      leadFilters.intake
    );
    var source = field(TEXTS.leads.source, { value: leadFilters.source || "" });
    var campaign = field(TEXTS.leads.campaign, { value: leadFilters.campaign || "" });
    var clear = button(TEXTS.clearFilters, {
      className: "secondary",
      onclick: function () {
        leadFilters = {};
        route();
      }
    });
    var filters = el("form", { className: "card", novalidate: true, "aria-labelledby": "filter-kop" }, [
      el("h2", { id: "filter-kop", text: TEXTS.leads.filtersTitle }),
      el("div", { className: "filters" }, [
        from.wrap,
        to.wrap,
        triage.wrap,
        category.wrap,
        optin.wrap,
        intake.wrap,
        source.wrap,
        campaign.wrap
      ]),
      el("p", { className: "actions" }, [el("button", { type: "submit", text: TEXTS.filter }), clear])
    ]);
    var entries = { email: email, from: from, to: to, source: source, campaign: campaign };
    var results = el("div");
    page(TEXTS.leads.title, [box, search, filters, results]);

    search.addEventListener("submit", function (event) {
      event.preventDefault();
      leadFilters = { email: email.input.value.trim() };
      load(true);
    });
    filters.addEventListener("submit", function (event) {
      event.preventDefault();
      leadFilters = {
        from: from.input.value,
        to: to.input.value,
        triage: triage.input.value,
        category: category.input.value,
        optin: optin.input.value,
        intake: intake.input.value,
        source: source.input.value.trim(),
        campaign: campaign.input.value.trim()
      };
      email.input.value = "";
      load(true);
    });

    var shown = 0;
    var loads = 0;
    function load(announce) {
      loads += 1;
      Object.keys(entries).forEach(function (name) {
        setFieldError(entries[name], "");
      });
      showAlert(box, "");
      results.textContent = "";
      shown = 0;
      var list = table(TEXTS.leads.caption, TEXTS.leads.columns, []);
      results.appendChild(list);
      more(list.querySelector("table"), null, announce);
    }

    function more(tableNode, cursor, announce) {
      var params = Object.assign({}, leadFilters, { cursor: cursor });
      var myGeneration = state.generation;
      var myLoad = loads;
      api("GET", "/leads" + query(params))
        .then(function (body) {
          if (!current(myGeneration) || myLoad !== loads) return;
          (body.items || []).forEach(function (lead) {
            shown += 1;
            addRow(tableNode, TEXTS.leads.columns, {
              flagged: lead.urgent,
              cells: [
                when(lead.created_at),
                personLink(lead.lead_id, lead.name || lead.email),
                lead.email,
                flagBadge(lead.triage, lead.urgent),
                label("category", lead.category),
                label("optin", lead.optin),
                label("intake", lead.intake),
                [lead.source, lead.campaign].filter(Boolean).join(" / ") || TEXTS.dash
              ]
            });
          });
          pager(results, body.cursor, shown, function (cursor) {
            more(tableNode, cursor, true);
          }, leadFilters.email ? TEXTS.leads.notFoundByEmail : TEXTS.none);
          if (announce) say(fill(TEXTS.leads.count, { n: shown }));
        })
        .catch(function (problem) {
          if (!current(myGeneration) || myLoad !== loads) return;
          var old = results.querySelector("[data-more]");
          if (old) old.remove();
          showProblem(box, problem, entries);
        });
    }

    load(false);
  }

  // --- One person ----------------------------------------------------------------------------------------

  function personPage(leadId, generation) {
    var box = alertBox();
    page(TEXTS.loading, [box]);
    Promise.all([api("GET", "/leads/" + encodeURIComponent(leadId)), questions()])
      .then(function (found) {
        if (!current(generation)) return;
        showPerson(found[0], found[1], generation);
      })
      .catch(failed(box, generation));
  }

  function showPerson(detail, named, generation) {
    var lead = detail.lead;
    var who = lead.name || lead.email;
    var box = alertBox();
    var sections = [box, el("p", {}, [el("a", { href: "#/leads", text: TEXTS.person.back })])];

    if ((detail.red_flags || []).length) {
      sections.push(
        el("section", { className: "card red-flags", "aria-labelledby": "vlag-kop" }, [
          el("h2", { id: "vlag-kop", text: TEXTS.person.redFlags }),
          el("p", { text: TEXTS.person.redFlagsIntro }),
          el(
            "ul",
            {},
            detail.red_flags.map(function (flag) {
              return el("li", {}, [
                el("span", {
                  className: flag.urgency === "urgent" ? "flag" : "flag see-gp",
                  text: flag.urgency === "urgent" ? TEXTS.person.urgentFlag : TEXTS.person.seeGpFlag
                }),
                " " + flag.flag + " (" + when(flag.created_at) + ")"
              ]);
            })
          )
        ])
      );
    }

    var name = lead.name ? (lead.name_verified ? lead.name : fill(TEXTS.person.nameUnverified, { name: lead.name })) : TEXTS.dash;
    sections.push(
      section(TEXTS.person.facts, [
        facts([
          [TEXTS.person.email, lead.email],
          [TEXTS.person.name, name],
          [TEXTS.person.firstSeen, when(lead.created_at)],
          [TEXTS.person.verifiedAt, when(detail.verified_at)],
          [TEXTS.person.source, lead.source || TEXTS.dash],
          [TEXTS.person.campaign, lead.campaign || TEXTS.dash],
          [TEXTS.person.optin, label("optin", lead.optin)],
          [TEXTS.person.intake, label("intake", lead.intake)]
        ])
      ])
    );
    sections.push(actionsSection(detail, who, box));
    sections.push(resultsSection(detail, named));
    sections.push(intakesSection(detail, box));
    sections.push(notesSection(detail, box));
    sections.push(consentsSection(detail));
    sections.push(emailsSection(detail));
    sections.push(followupsSection(detail));
    if (isCoach()) {
      sections.push(
        el("p", {}, [el("a", { href: "#/toegangslog/" + encodeURIComponent(lead.lead_id), text: TEXTS.person.accessLog })])
      );
    }
    if (!current(generation)) return;
    page(who, sections);
  }

  function section(title, children, className) {
    var id = uniqueId("kop");
    return el("section", { className: className || "card", "aria-labelledby": id }, [el("h2", { id: id, text: title })].concat(children));
  }

  function facts(rows) {
    var list = el("dl", { className: "facts" });
    rows.forEach(function (row) {
      list.appendChild(el("dt", { text: row[0] }));
      list.appendChild(el("dd", { text: row[1] }));
    });
    return list;
  }

  function actionsSection(detail, who, box) {
    var buttons = [];
    if (isCoach()) {
      var exportButton = button(TEXTS.person.exportJson, { className: "secondary" });
      exportButton.addEventListener("click", function () {
        busy(exportButton, true);
        api("GET", "/leads/" + encodeURIComponent(detail.lead.lead_id) + "/export")
          .then(function (body) {
            busy(exportButton, false);
            var text = JSON.stringify(body, null, 2);
            download("persoon-" + detail.lead.lead_id.slice(0, 12) + ".json", new Blob([text], { type: "application/json" }));
            say(TEXTS.person.exported);
          })
          .catch(function (problem) {
            busy(exportButton, false);
            showProblem(box, problem);
          });
      });
      var eraseButton = button(TEXTS.person.erase, { className: "danger" });
      eraseButton.addEventListener("click", function () {
        confirmErase(detail, who, box, eraseButton);
      });
      buttons.push(exportButton, eraseButton);
    }
    var note = el("textarea", { id: "notitie", name: "text", maxlength: "2000", rows: "3" });
    var noteError = el("p", { className: "field-error", id: "notitie-fout", hidden: true });
    var noteEntry = { input: note, error: noteError };
    var form = el("form", { novalidate: true, "aria-label": TEXTS.person.addNote }, [
      el("div", { className: "field" }, [el("label", { for: "notitie", text: TEXTS.person.noteLabel }), note, noteError]),
      el("p", { className: "actions" }, [el("button", { type: "submit", text: TEXTS.person.addNote })])
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      setFieldError(noteEntry, "");
      if (!note.value.trim()) {
        setFieldError(noteEntry, TEXTS.required);
        note.focus();
        return;
      }
      var submit = form.querySelector("button[type=submit]");
      busy(submit, true);
      api("POST", "/leads/" + encodeURIComponent(detail.lead.lead_id) + "/notes", { text: note.value })
        .then(function () {
          say(TEXTS.person.noteAdded);
          route();
        })
        .catch(function (problem) {
          busy(submit, false);
          showProblem(box, problem, { text: noteEntry });
        });
    });
    var children = [];
    if (buttons.length) children.push(el("p", { className: "actions" }, buttons));
    children.push(form);
    return section(TEXTS.person.actions, children);
  }

  function confirmErase(detail, who, box, opener) {
    var items = TEXTS.person.eraseWhat.map(function (text) {
      return el("li", {
        text: fill(text, {
          results: (detail.results || []).length,
          intakes: (detail.intakes || []).length,
          notes: (detail.notes || []).length
        })
      });
    });
    var titleId = uniqueId("wis");
    var yes = el("button", { type: "button", className: "danger", text: TEXTS.person.eraseConfirm });
    var no = el("button", { type: "button", className: "secondary", text: TEXTS.person.cancel });
    var dialog = el("dialog", { "aria-labelledby": titleId, className: "card" }, [
      el("h2", { id: titleId, text: fill(TEXTS.person.eraseTitle, { who: who }) }),
      el("p", { text: TEXTS.person.eraseIntro }),
      el("ul", {}, items),
      el("p", { text: TEXTS.person.eraseKept }),
      el("p", { className: "actions" }, [yes, no])
    ]);
    document.body.appendChild(dialog);
    var close = function () {
      dialog.close();
      dialog.remove();
      opener.focus();
    };
    no.addEventListener("click", close);
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      close();
    });
    yes.addEventListener("click", function () {
      busy(yes, true);
      api("POST", "/leads/" + encodeURIComponent(detail.lead.lead_id) + "/erase", { confirm: true })
        .then(function (body) {
          dialog.close();
          dialog.remove();
          window.location.hash = "#/leads";
          say(fill(TEXTS.person.erased, { who: who, deleted: body.deleted }));
        })
        .catch(function (problem) {
          dialog.close();
          dialog.remove();
          showProblem(box, problem);
        });
    });
    dialog.showModal();
    no.focus();
  }

  function resultsSection(detail, named) {
    var children = [];
    if (!detail.answers_included) children.push(el("p", { className: "muted", text: TEXTS.person.answersHidden }));
    (detail.results || []).forEach(function (result) {
      var resultChildren = [
        el("h3", { text: fill(TEXTS.person.resultOf, { date: when(result.created_at) }) }),
        el("p", {}, [
          flagBadge(result.triage, result.triage === "urgent"),
          " · ",
          result.category ? fill(TEXTS.person.category, { category: label("category", result.category) }) : TEXTS.person.noScore,
          result.total === null || result.total === undefined
            ? ""
            : " · " + fill(TEXTS.person.total, { total: result.total, max: result.max_total })
        ])
      ];
      (result.red_flags || []).forEach(function (flag) {
        resultChildren.push(el("p", { className: "alert", text: flag.flag }));
      });
      (result.notes || []).forEach(function (note) {
        resultChildren.push(el("p", { className: "notice", text: note }));
      });
      if ((result.themes || []).length) {
        resultChildren.push(el("h4", { text: TEXTS.person.themes }));
        resultChildren.push(
          el(
            "ul",
            { className: "themes" },
            result.themes.map(function (theme) {
              return themeBar(theme);
            })
          )
        );
      }
      if (result.answers) {
        resultChildren.push(el("h4", { text: TEXTS.person.answers }));
        resultChildren.push(
          el(
            "ol",
            { className: "answers" },
            Object.keys(result.answers).map(function (id) {
              var question = named[id];
              var value = String(result.answers[id]);
              var text = question ? question.text : id;
              var answer = question && question.options[value] ? question.options[value] : value;
              return el("li", {}, [text + " ", el("strong", { text: answer })]);
            })
          )
        );
      }
      children.push(el("article", { className: "result" }, resultChildren));
    });
    if (!(detail.results || []).length) children.push(el("p", { text: TEXTS.none }));
    return section(TEXTS.person.results, children);
  }

  function themeBar(theme) {
    var percent = Math.max(0, Math.min(100, Number(theme.percent) || 0));
    var value = fill(TEXTS.person.themeValue, {
      score: theme.score,
      max: theme.max,
      percent: percent,
      band: label("band", theme.band)
    });
    var bar = svg("svg", { viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true", focusable: "false" });
    bar.appendChild(svg("rect", { class: "bar-track", x: 0, y: 0, width: 100, height: 10, rx: 2 }));
    bar.appendChild(svg("rect", { class: "bar-fill" + (theme.band === "high" ? " high" : ""), x: 0, y: 0, width: percent, height: 10, rx: 2 }));
    var drivers = (theme.drivers || []).map(function (driver) {
      var text = driver.answer ? fill(TEXTS.person.driverAnswer, { text: driver.text, answer: driver.answer }) : driver.text;
      return el("li", { text: text });
    });
    return el("li", {}, [
      el("div", { className: "theme-head" }, [el("strong", { text: theme.label }), el("span", { text: value })]),
      bar,
      el("p", { className: "muted", text: theme.explanation }),
      drivers.length ? el("p", { className: "label", text: TEXTS.person.drivers }) : null,
      drivers.length ? el("ul", { className: "drivers" }, drivers) : null
    ]);
  }

  function intakeContact(intake) {
    return [label("contact", intake.preferred_contact), intake.phone, intake.email].filter(Boolean).join(" · ");
  }

  function intakeMoments(intake) {
    return (intake.preferred_moments || []).map(function (moment) {
      return label("moments", moment);
    }).join(", ") || TEXTS.dash;
  }

  function handledButton(intake, box, done) {
    var node = button(TEXTS.intakes.markHandled);
    node.addEventListener("click", function () {
      busy(node, true);
      api("POST", "/intakes/" + encodeURIComponent(intake.request_id) + "/handled", { genuine: true })
        .then(function () {
          say(fill(TEXTS.intakes.markedHandled, { name: intake.name }));
          done();
        })
        .catch(function (problem) {
          busy(node, false);
          showProblem(box, problem);
        });
    });
    return node;
  }

  function intakeStatus(intake) {
    return intake.status === "handled"
      ? fill(TEXTS.intakes.handledAt, { date: when(intake.handled_at) })
      : TEXTS.labels.intake.open;
  }

  function intakesSection(detail, box) {
    var rows = (detail.intakes || []).map(function (intake) {
      return {
        flagged: intake.urgent,
        cells: [
          when(intake.created_at),
          intake.name,
          intakeContact(intake),
          intakeMoments(intake),
          intake.message || TEXTS.dash,
          intakeStatus(intake),
          intake.status === "requested" ? handledButton(intake, box, route) : ""
        ]
      };
    });
    return section(TEXTS.person.intakes, rows.length ? [table(TEXTS.person.intakes, TEXTS.intakes.columns, rows)] : [el("p", { text: TEXTS.none })]);
  }

  function notesSection(detail) {
    var notes = detail.notes || [];
    return section(TEXTS.person.notes, [
      notes.length
        ? el(
            "ul",
            { className: "timeline" },
            notes.map(function (note) {
              return el("li", {}, [
                el("p", { text: note.text }),
                el("p", { className: "muted", text: fill(TEXTS.person.noteBy, { author: note.author, date: when(note.created_at) }) })
              ]);
            })
          )
        : el("p", { text: TEXTS.none })
    ]);
  }

  function consentsSection(detail) {
    var rows = (detail.consents || []).map(function (consent) {
      var source = consent.source || {};
      var via = Object.keys(source).map(function (key) {
        return key + ": " + source[key];
      }).join(", ");
      return {
        cells: [
          label("purpose", consent.purpose),
          consent.granted ? TEXTS.person.granted : TEXTS.person.withdrawn,
          when(consent.given_at),
          consent.consent_version || TEXTS.dash,
          el("code", { text: consent.text_sha256 || TEXTS.dash }),
          via || TEXTS.dash
        ]
      };
    });
    return section(TEXTS.person.consents, rows.length ? [table(TEXTS.person.consents, TEXTS.person.consentColumns, rows)] : [el("p", { text: TEXTS.none })]);
  }

  function emailsSection(detail) {
    var rows = (detail.emails || []).map(function (email) {
      return {
        cells: [
          label("emailKind", email.kind),
          label("emailStatus", email.status),
          when(email.created_at),
          when(email.sent_at),
          email.skip_reason || email.failure || TEXTS.dash
        ]
      };
    });
    return section(TEXTS.person.emails, rows.length ? [table(TEXTS.person.emails, TEXTS.person.emailColumns, rows)] : [el("p", { text: TEXTS.none })]);
  }

  function followupsSection(detail) {
    var followups = detail.followups || { state: "none", steps: [] };
    return section(TEXTS.person.followups, [
      el("p", { text: fill(TEXTS.person.followupState, { state: label("followups", followups.state) }) }),
      (followups.steps || []).length
        ? el(
            "ul",
            {},
            followups.steps.map(function (step) {
              return el("li", { text: fill(TEXTS.person.followupStep, { step: step.step, status: step.status, due: when(step.due_at) }) });
            })
          )
        : null
    ]);
  }

  // --- Intakes -------------------------------------------------------------------------------------------

  var intakeView = { state: "open" };

  function intakesPage(parts, generation) {
    var box = alertBox();
    var stateSelect = el("select", { id: "intake-stand" }, [
      el("option", { value: "open", text: TEXTS.intakes.open, selected: intakeView.state === "open" }),
      el("option", { value: "handled", text: TEXTS.intakes.handled, selected: intakeView.state === "handled" })
    ]);
    var controls = el("form", { className: "card", novalidate: true, "aria-label": TEXTS.intakes.show }, [
      el("div", { className: "field narrow" }, [el("label", { for: "intake-stand", text: TEXTS.intakes.show }), stateSelect]),
      el("p", { className: "actions" }, [el("button", { type: "submit", text: TEXTS.intakes.showButton })])
    ]);
    controls.addEventListener("submit", function (event) {
      event.preventDefault();
      intakeView = { state: stateSelect.value };
      route();
    });
    var results = el("div");
    page(TEXTS.intakes.title, [box, controls, results]);
    var list = table(TEXTS.intakes.caption, TEXTS.intakes.columns, []);
    results.appendChild(list);
    var shown = 0;
    function more(cursor) {
      api("GET", "/intakes" + query({ state: intakeView.state, cursor: cursor }))
        .then(function (body) {
          if (!current(generation)) return;
          (body.items || []).forEach(function (intake) {
            shown += 1;
            addRow(list.querySelector("table"), TEXTS.intakes.columns, {
              flagged: intake.urgent,
              cells: [
                when(intake.created_at),
                el("span", {}, [
                  personLink(intake.lead_id, intake.name),
                  intake.urgent ? " " : null,
                  intake.urgent ? flagBadge("urgent", true) : intake.triage === "see_gp" ? flagBadge("see_gp", false) : null
                ]),
                intakeContact(intake),
                intakeMoments(intake),
                intake.message || TEXTS.dash,
                intakeStatus(intake),
                intake.status === "requested" ? handledButton(intake, box, route) : ""
              ]
            });
          });
          pager(results, body.cursor, shown, more);
        })
        .catch(failed(box, generation));
    }
    more(null);
  }

  // --- Export --------------------------------------------------------------------------------------------

  function exportPage(parts, generation) {
    var box = alertBox();
    var from = field(TEXTS.from, { type: "date", value: daysAgo(30) });
    var to = field(TEXTS.to, { type: "date", value: today() });
    var answersId = uniqueId("veld");
    var answers = el("input", { type: "checkbox", id: answersId });
    var leadsButton = el("button", { type: "button", text: TEXTS.exports.leads });
    var intakesButton = el("button", { type: "button", text: TEXTS.exports.intakes });
    var form = el("form", { className: "card", novalidate: true, "aria-label": TEXTS.exports.title }, [
      box,
      el("p", { text: TEXTS.exports.intro }),
      el("div", { className: "filters" }, [from.wrap, to.wrap]),
      el("div", { className: "check" }, [answers, el("label", { for: answersId, text: TEXTS.exports.answers })]),
      el("p", { className: "actions" }, [leadsButton, intakesButton])
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    var entries = { from: from, to: to };
    function run(kind, node) {
      [from, to].forEach(function (entry) {
        setFieldError(entry, "");
      });
      showAlert(box, "");
      busy(node, true, TEXTS.exports.working);
      var params = { from: from.input.value, to: to.input.value };
      if (kind === "leads" && answers.checked) params.answers = "1";
      var file = kind + "-" + (params.from || "begin") + "-" + (params.to || today()) + ".csv";
      csvParts("/export/" + kind + ".csv", params, null, [])
        .then(function (texts) {
          busy(node, false);
          // Each part is a complete file with its own header row; one file has the header once.
          var lines = texts
            .map(function (text, index) {
              var body = text.replace(/^\ufeff/, "");
              return index === 0 ? body : body.slice(body.indexOf("\n") + 1);
            })
            .join("");
          var rows = Math.max(0, lines.split("\n").filter(Boolean).length - 1);
          download(file, new Blob(["\ufeff" + lines], { type: "text/csv;charset=utf-8" }));
          say(fill(TEXTS.exports.done, { file: file, rows: rows }));
        })
        .catch(function (problem) {
          busy(node, false);
          showProblem(box, problem, entries);
        });
    }
    leadsButton.addEventListener("click", function () {
      run("leads", leadsButton);
    });
    intakesButton.addEventListener("click", function () {
      run("intakes", intakesButton);
    });
    page(TEXTS.exports.title, [form]);
  }

  // Every part of a large export, one request after another (X-Next-Cursor names the next part).
  function csvParts(path, params, cursor, texts) {
    return api("GET", path + query(Object.assign({}, params, { cursor: cursor })), undefined, { raw: true, accept: "text/csv" })
      .then(function (response) {
        var next = response.headers.get("X-Next-Cursor");
        return response.text().then(function (text) {
          texts.push(text);
          return next ? csvParts(path, params, next, texts) : texts;
        });
      });
  }

  // --- The access log ------------------------------------------------------------------------------------

  function auditPage(parts, generation) {
    var leadId = parts[0] || "";
    var box = alertBox();
    var results = el("div");
    var intro = [el("p", { text: TEXTS.audit.intro })];
    if (leadId) intro.push(el("p", {}, [el("a", { href: "#/toegangslog", text: TEXTS.audit.all })]));
    page(leadId ? TEXTS.audit.titleOf : TEXTS.audit.title, [box].concat(intro).concat([results]));
    var list = table(TEXTS.audit.caption, TEXTS.audit.columns, []);
    results.appendChild(list);
    var shown = 0;
    function more(cursor) {
      api("GET", "/audit" + query({ lead_id: leadId, cursor: cursor }))
        .then(function (body) {
          if (!current(generation)) return;
          (body.items || []).forEach(function (entry) {
            shown += 1;
            var detail = entry.detail || {};
            addRow(list.querySelector("table"), TEXTS.audit.columns, {
              cells: [
                when(entry.at),
                entry.username,
                label("action", entry.action),
                entry.lead_id ? el("a", { href: "#/toegangslog/" + entry.lead_id }, [el("code", { text: entry.lead_id.slice(0, 12) })]) : TEXTS.dash,
                Object.keys(detail).map(function (key) {
                  return label("detail", key) + ": " + detail[key];
                }).join(", ") || TEXTS.dash
              ]
            });
          });
          pager(results, body.cursor, shown, more);
        })
        .catch(failed(box, generation));
    }
    more(null);
  }

  PAGES.push(
    { path: "leads", label: TEXTS.menu.leads, show: leadsPage },
    { path: "intakes", label: TEXTS.menu.intakes, show: intakesPage },
    { path: "export", label: TEXTS.menu.exports, show: exportPage, coachOnly: true },
    { path: "toegangslog", label: TEXTS.menu.audit, show: auditPage, coachOnly: true }
  );

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
