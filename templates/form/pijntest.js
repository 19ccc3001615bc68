/*
 * De Pijntest, het intakeformulier en het formulier om je gegevens te laten verwijderen, voor elke landingspagina.
 *
 * Embed: one container and one script. pijntest.css is loaded from the folder this script comes from.
 *
 *   <div data-pijntest data-api="https://abc123.execute-api.eu-west-1.amazonaws.com"></div>
 *   <script src="/pijntest/pijntest.js" defer></script>
 *
 * data-api is the ApiUrl output of `sam deploy`; the API only answers pages on its AllowedOrigin.
 *
 * What the container shows:
 * - the Pijntest, then the result, then (unless the result is urgent) the intake form in the result;
 * - only the intake form when the container has data-pijntest-intake-only (a page just for intakes),
 *   or when the page is opened with #intake at the end of its address (the result emails link there),
 *   then with a button to take the Pijntest instead;
 * - in a container with data-pijntest-privacy instead (<div data-pijntest-privacy data-api="...">), the form to
 *   ask for the erasure of one's data (POST /privacy/erase): an email address, then a confirmation that never
 *   tells whether the address is known;
 * - the advice to contact the GP today the moment an urgent safety question is answered "ja", right there in
 *   the safety step: a visitor who stops before the end has it too (red-flag triage wins over everything).
 *
 * Rules this file keeps:
 * - no dependencies, no third-party requests, no cookies, no browser storage, nothing written to the URL;
 * - every form solves the API's proof-of-work challenge (GET /challenge, the open ALTCHA protocol) with the
 *   browser's own SHA-256 (Web Crypto) while the visitor fills it in: nothing to see, click or read out;
 * - every text from the API is shown as served, through textContent (never innerHTML);
 * - every text the form writes itself is in TEXTS below, in Dutch, for the coach to edit.
 */
(function () {
  "use strict";

  var TEXTS = {
    loading: "De Pijntest wordt geladen…",
    notConfigured: "De Pijntest is op deze pagina niet goed ingesteld. Laat het de eigenaar van de website weten.",
    unreachable: "We kunnen de Pijntest nu niet bereiken.",
    unreachableHelp:
      "Controleer je internetverbinding en probeer het opnieuw. Lukt het daarna nog steeds niet? " +
      "Dan laat deze website de verbinding met de Pijntest niet toe. Laat het de eigenaar van de website weten.",
    loadFailed: "De Pijntest kon niet worden geladen. Probeer het over een paar minuten opnieuw.",
    tryAgain: "Opnieuw proberen",
    progressLabel: "Voortgang",
    stepNames: { safety: "Veiligheid", context: "Over jou", scored: "Herkenning", contact: "Je uitslag" },
    stepOf: "Stap {n} van {total}",
    stepDone: "klaar",
    answered: "{n} van {total} vragen beantwoord",
    next: "Volgende",
    back: "Vorige",
    submit: "Bekijk mijn uitslag",
    sending: "Je uitslag wordt berekend…",
    chooseAnswer: "Kies een antwoord.",
    summaryTitle: "Nog niet alles is ingevuld",
    questionNumber: "vraag {n}",
    contactIntro:
      "Je ziet je uitslag direct op deze pagina. Vul je naam en e-mailadres in, zodat we de uitslag ook naar je kunnen sturen.",
    nameLabel: "Je naam",
    nameMissing: "Vul je naam in.",
    nameTooLong: "Je naam mag hoogstens 100 tekens lang zijn.",
    emailLabel: "Je e-mailadres",
    emailMissing: "Vul je e-mailadres in.",
    emailInvalid: "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.",
    consentLegend: "Toestemming",
    consentRequired: "Verplicht voor je uitslag.",
    consentOptional: "Niet verplicht: je uitslag krijg je ook zonder deze toestemming.",
    consentMissing: "Zonder deze toestemming kunnen we je uitslag niet berekenen.",
    honeypot: "Laat dit veld leeg",
    busy: "Het is even druk. We proberen het over {time} opnieuw; je antwoorden blijven staan.",
    second: "1 seconde",
    seconds: "{s} seconden",
    failed:
      "Er ging iets mis bij het versturen. Probeer het over een paar minuten opnieuw; je antwoorden blijven op deze pagina staan.",
    statusFallback: {
      400: "Je gegevens kwamen niet goed aan. Probeer het opnieuw.",
      409: "Deze test is al eerder met andere antwoorden verstuurd. Laad de pagina opnieuw om de test nog eens te doen.",
      413: "Je bericht is te groot om te verwerken. Maak je tekst korter en probeer het opnieuw.",
      415: "Je gegevens kwamen in een onbekend formaat binnen. Laad de pagina opnieuw.",
      422: "Niet alles is goed ingevuld. Kijk de gemarkeerde velden na.",
      429: "Het is even te druk. Probeer het over een minuut opnieuw; je antwoorden blijven bewaard.",
      503: "Het is even te druk. Probeer het over een minuut opnieuw; je antwoorden blijven bewaard."
    },
    // The intake form ("Plan een intakegesprek", POST /intake). Its promises ("binnen twee werkdagen") are the
    // same as those of the confirmation email (templates/email/partials/intake_labels.j2): change them together.
    intake: {
      title: "Plan een intakegesprek",
      intro:
        "Kennismaken is vrijblijvend. Laat je gegevens achter, dan neemt de coach binnen twee werkdagen contact met je op.",
      introPrefilled:
        "Laat je gegevens achter, dan neemt de coach binnen twee werkdagen contact met je op. " +
        "Je naam en e-mailadres van de Pijntest staan er alvast in.",
      open: "Plan een intakegesprek",
      takeTestIntro: "Nog geen Pijntest gedaan?",
      takeTest: "Doe eerst de gratis Pijntest",
      loading: "Het formulier wordt geladen…",
      unreachable: "We kunnen het formulier nu niet bereiken.",
      unreachableHelp:
        "Controleer je internetverbinding en probeer het opnieuw. Lukt het daarna nog steeds niet? " +
        "Dan laat deze website de verbinding met de coach niet toe. Laat het de eigenaar van de website weten.",
      loadFailed: "Het formulier kon niet worden geladen. Probeer het over een paar minuten opnieuw.",
      sendFailed: "Je aanvraag kon niet worden verstuurd.",
      sendFailedHelp:
        "Controleer je internetverbinding en probeer het opnieuw; wat je invulde blijft staan. Lukt het daarna " +
        "nog steeds niet? Dan laat deze website de verbinding met de coach niet toe. " +
        "Laat het de eigenaar van de website weten.",
      contactLegend: "Hoe wil je het liefst contact?",
      contactWays: { phone: "Telefonisch", email: "Per e-mail", video: "Videogesprek" },
      contactMissing: "Kies hoe je het liefst contact wilt.",
      phoneLabel: "Je telefoonnummer",
      phoneOptional: "Niet verplicht, behalve als je gebeld wilt worden.",
      phoneNeeded: "Nodig, want de coach belt je op dit nummer.",
      phoneMissing: "Vul je telefoonnummer in, dan kan de coach je bellen.",
      phoneInvalid: "Vul een geldig telefoonnummer in, zoals 06 12345678 (of met landcode, zoals +32 470 12 34 56).",
      momentsLegend: "Wanneer komt een gesprek je het best uit?",
      momentsHint: "Niet verplicht. Kies er zoveel als je wilt, of niets als elk moment je past.",
      moments: {
        weekday_morning: "Doordeweeks ’s\u00a0ochtends",
        weekday_afternoon: "Doordeweeks ’s\u00a0middags",
        weekday_evening: "Doordeweeks ’s\u00a0avonds",
        saturday: "Op zaterdag"
      },
      messageLabel: "Wil je de coach alvast iets vertellen?",
      messageHint:
        "Niet verplicht, hoogstens 2.000 tekens. " +
        "Bijvoorbeeld hoe lang je al klachten hebt of wat je van het gesprek hoopt.",
      charsLeft: "Nog {n} tekens",
      charLeft: "Nog 1 teken",
      charsOver: "{n} tekens te veel",
      charOver: "1 teken te veel",
      messageTooLong: "Je bericht mag hoogstens 2.000 tekens lang zijn.",
      consentRequired: "Verplicht om je aanvraag te versturen.",
      consentMissing: "Zonder deze toestemming kunnen we geen contact met je opnemen.",
      submit: "Verstuur mijn aanvraag",
      sending: "Je aanvraag wordt verstuurd…",
      busy: "Het is even druk. We proberen het over {time} opnieuw; wat je invulde blijft staan.",
      statusFallback: {
        409:
          "Deze aanvraag is al eerder met andere gegevens verstuurd. " +
          "Laad de pagina opnieuw en vul het formulier nog eens in."
      },
      accepted: "Bedankt, je aanvraag is ontvangen.",
      done: {
        title: "Je aanvraag is verstuurd",
        thanks: "Dank je wel, {name}. Fijn dat je deze stap zet.",
        nextHeading: "Wat er nu gebeurt",
        next: {
          phone: "De coach belt je binnen twee werkdagen",
          email: "De coach mailt je binnen twee werkdagen",
          video: "De coach mailt je binnen twee werkdagen om een videogesprek te plannen"
        },
        preferably: ", bij voorkeur {moments}",
        moments: {
          weekday_morning: "doordeweeks ’s\u00a0ochtends",
          weekday_afternoon: "doordeweeks ’s\u00a0middags",
          weekday_evening: "doordeweeks ’s\u00a0avonds",
          saturday: "op zaterdag"
        },
        or: " of ",
        confirmation: "Je krijgt een bevestiging van je aanvraag per e-mail op {email}.",
        together: "Samen spreken jullie een moment af voor het gesprek. Het is vrijblijvend: je zit nergens aan vast.",
        seeGp:
          "Bespreek je klachten wel eerst met je huisarts, zoals je uitslag aangeeft. In het intakegesprek kijken we " +
          "daarna samen wat past.",
        worse: "Worden je klachten erger of krijg je nieuwe klachten? Neem dan contact op met je huisarts."
      }
    },
    // The form to ask for erasure (data-pijntest-privacy, POST /privacy/erase). What it promises is what the
    // erasure email and page say (templates/email/erase_confirm.*.j2, templates/pages/pages.yaml): the link works
    // 7 days and once. The confirmation must read the same whether the address is known or not.
    privacy: {
      title: "Je gegevens verwijderen",
      intro: "Wil je dat we alles verwijderen wat we van je hebben bewaard? Dan verwijderen we:",
      what: [
        "je antwoorden en uitslagen van de Pijntest;",
        "je aanmeldingen voor onze e-mails;",
        "je aanvragen voor een intakegesprek."
      ],
      how:
        "Vul je e-mailadres in. Als we het kennen, sturen we je een e-mail met een link. Pas als je die link " +
        "opent en daar op de knop klikt, verwijderen we alles; dat kan niet ongedaan worden gemaakt. " +
        "De link werkt 7 dagen en maar één keer.",
      emailLabel: "E-mailadres",
      emailHint: "Het adres waarmee je de Pijntest deed, je aanmeldde of een intakegesprek aanvroeg.",
      notConfigured: "Dit formulier is op deze pagina niet goed ingesteld. Laat het de eigenaar van de website weten.",
      submit: "Stuur mij de link",
      sending: "Je verzoek wordt verstuurd…",
      busy: "Het is even druk. We proberen het over {time} opnieuw.",
      sendFailed: "Je verzoek kon niet worden verstuurd.",
      sendFailedHelp:
        "Controleer je internetverbinding en probeer het opnieuw. Lukt het daarna nog steeds niet? Dan laat deze " +
        "website de verbinding niet toe. Laat het de eigenaar van de website weten.",
      // Shown for these statuses whatever the API says: its own busy text speaks of answers being kept.
      statusOwn: {
        429: "Het is even te druk. Probeer het over een paar minuten opnieuw.",
        503: "Het is even te druk. Probeer het over een paar minuten opnieuw."
      },
      doneTitle: "Je verzoek is ontvangen",
      done:
        "Als dit e-mailadres bij ons bekend is, ontvang je binnen enkele minuten een e-mail met een link om je " +
        "gegevens te verwijderen.",
      doneHelp: "Geen e-mail ontvangen? Kijk in je spam, of beantwoord een e-mail die je van ons kreeg."
    },
    result: {
      heading: "Je uitslag",
      flagsIntro: "Wat je aangaf:",
      indicationKicker: "Je uitslag",
      total: "Totaalscore: {score} van {max}",
      domainsHeading: "Je scores per thema",
      domainScore: "{score} van {max} punten",
      bands: { low: "laag", medium: "gemiddeld", high: "hoog" },
      drivers: "Welke antwoorden telden mee",
      driverAnswer: "je antwoord: {answer}",
      notesHeading: "Goed om te weten",
      adviceHeading: "Wat je zelf kunt doen",
      disclaimerHeading: "Disclaimer",
      // The PDFs (GET /pijntest/rapport and /pijntest/huisarts); after an urgent result only the GP summary.
      documentsHeading: "Je uitslag bewaren",
      report: "Download je rapport (PDF)",
      gpSummary: "Download de samenvatting voor je huisarts (PDF)",
      urgentGpSummary: "Neem deze samenvatting mee naar je huisarts: er staat op welke klachten je aangaf.",
      documentsHelp: "Deze downloadknoppen werken een uur. In de e-mail met je uitslag staan links die langer werken."
    }
  };

  var STEP_BLOCKS = ["safety", "context", "scored"];
  var YES = "yes"; // the API's value of a safety answer that raises its red flag (a value, not a text)
  var CONSENT_PURPOSES = ["health_data", "marketing"]; // the purposes POST /pijntest accepts
  var INTAKE_PURPOSES = ["contact"]; // the purposes POST /intake accepts
  var CONTACT_WAYS = ["phone", "email", "video"]; // POST /intake's preferred_contact, in the order shown
  var MOMENTS = ["weekday_morning", "weekday_afternoon", "weekday_evening", "saturday"]; // its preferred_moments
  var MAX_MESSAGE = 2000; // characters (code points, as the API counts them)
  // The API quietly drops a form sent within GET /pijntest's min_fill_seconds of opening it, taking it for a
  // bot's. The intake form comes prefilled, so a quick visitor could beat that: the form waits out the rest
  // instead, and this much more for the clocks and the network between.
  var MIN_FILL_MARGIN_MS = 500;
  var UTM = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"];
  var MAX_AUTO_RETRIES = 2;
  // The longest Retry-After the form waits for by itself; a longer one (a client over its hourly bound) is said.
  var MAX_RETRY_WAIT_SECONDS = 30;
  var EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
  var PHONE = /^\+?[\d\s().\/-]+$/; // a first check only: the API knows which numbers exist
  // This script's own element, for the stylesheet beside it (currentScript is null when a page builder injects it).
  var SCRIPT = document.currentScript || document.querySelector('script[src*="pijntest.js"]');
  var UNREACHABLE = { reason: "unreachable" };
  var instances = 0;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return String(values[key]);
    });
  }

  /* An element with attributes and children; strings become text nodes, so nothing is parsed as HTML. */
  function h(tag, attributes) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(parent, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(function (item) { append(parent, item); });
    else parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }

  function uuid4() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs a secure context
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function ensureStylesheet() {
    if (!SCRIPT || !SCRIPT.src || document.querySelector("link[data-pijntest-css]")) return;
    var link = h("link", { rel: "stylesheet", href: new URL("pijntest.css", SCRIPT.src).href, "data-pijntest-css": true });
    document.head.appendChild(link);
  }

  /* Where the visitor came from: UTM parameters of this page, the referrer and this page's path. */
  function readSource() {
    var source = {};
    var query = new URLSearchParams(window.location.search);
    UTM.forEach(function (name) {
      var value = (query.get(name) || "").trim();
      if (value) source[name] = value.slice(0, 200);
    });
    if (document.referrer) source.referrer = document.referrer.slice(0, 2000);
    source.landing_path = (window.location.pathname || "/").slice(0, 500);
    return source;
  }

  function retryAfterSeconds(response) {
    var seconds = parseInt(response.headers.get("Retry-After") || "", 10);
    return isFinite(seconds) && seconds > 0 ? Math.min(seconds, MAX_RETRY_WAIT_SECONDS) : 5;
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function codePoints(text) {
    return Array.from(text).length;
  }

  function formatNumber(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "."); // 2000 -> "2.000"
  }

  /* POSTs `body` (a JSON string) to the API. A busy API (503, 429) is asked again after its Retry-After, at most
     twice, with a note in `status`; not when it asks for a longer wait than a visitor's (a client over its
     hourly bound: the API's own message then says so). Resolves with {status, json}; rejects when the API
     cannot be reached (offline, or the browser blocked the call). texts: {sending, busy}. */
  function postJson(url, body, status, texts) {
    var attempt = function (retriesLeft) {
      return fetch(url, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: body
      }).then(function (response) {
        var waitable = !(parseInt(response.headers.get("Retry-After") || "", 10) > MAX_RETRY_WAIT_SECONDS);
        if ((response.status === 503 || response.status === 429) && retriesLeft > 0 && waitable) {
          var seconds = retryAfterSeconds(response);
          var time = seconds === 1 ? TEXTS.second : fill(TEXTS.seconds, { s: seconds });
          status.textContent = fill(texts.busy, { time: time });
          return wait(seconds * 1000).then(function () {
            status.textContent = texts.sending;
            return attempt(retriesLeft - 1);
          });
        }
        return response.text().then(function (text) {
          var json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch (ignored) {
            json = null;
          }
          return { status: response.status, json: json };
        });
      });
    };
    return attempt(MAX_AUTO_RETRIES);
  }

  /* The API's own message for a refusal of the whole request, else the form's text for its status. */
  function apiMessage(status, json, fallbacks) {
    if (json && json.error && typeof json.message === "string") return json.message;
    return (fallbacks && fallbacks[status]) || TEXTS.statusFallback[status] || TEXTS.failed;
  }

  /* ---------- the proof of work ---------- */

  // A challenge this close to its expiry is replaced before a send rather than refused after it.
  var CHALLENGE_MARGIN_MS = 60 * 1000;
  var DIGESTS_AT_ONCE = 1000;

  /* One ALTCHA challenge at a time for one form: fetched and solved at once, in the background; solution()
     resolves with the `altcha` field to send (null when it could not be had: the API then says so, by name). */
  function ProofOfWork(api) {
    this.api = api;
    this.pending = null;
    this.failed = false;
    this.expiresAt = 0;
    this.renew();
  }

  ProofOfWork.prototype.renew = function () {
    var self = this;
    self.failed = false;
    self.expiresAt = 0;
    self.pending = fetch(self.api + "/challenge", {
      method: "GET",
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (challenge) {
        var expires = /[?&]expires=(\d+)/.exec(String(challenge.salt || ""));
        self.expiresAt = expires ? Number(expires[1]) * 1000 : 0;
        return solveChallenge(challenge);
      })
      .then(null, function () { return null; })
      .then(function (solution) {
        if (solution === null) self.failed = true;
        return solution;
      });
    return self.pending;
  };

  /* The solution for the next send; a fresh challenge when the last one failed, was spent or nearly expired. */
  ProofOfWork.prototype.solution = function () {
    if (!this.pending || this.failed || (this.expiresAt && this.expiresAt - CHALLENGE_MARGIN_MS < Date.now())) {
      this.renew();
    }
    return this.pending;
  };

  /* The number n (0..maxnumber) with SHA-256(salt + n) = challenge, tried in batches of digests at once (each
     batch gives the page its turn); the solution as the ALTCHA widget sends it: base64 JSON. */
  function solveChallenge(challenge) {
    var subtle = window.crypto && window.crypto.subtle;
    if (!subtle || challenge.algorithm !== "SHA-256" || !/^[0-9a-f]{64}$/.test(challenge.challenge)) {
      return Promise.resolve(null);
    }
    var target = new Uint8Array(32);
    for (var i = 0; i < 32; i++) target[i] = parseInt(challenge.challenge.substr(i * 2, 2), 16);
    var encoder = new TextEncoder();
    var max = Number(challenge.maxnumber) || 0;
    var from = function (start) {
      if (start > max) return Promise.resolve(null);
      var end = Math.min(start + DIGESTS_AT_ONCE - 1, max);
      var digests = [];
      for (var n = start; n <= end; n++) digests.push(subtle.digest("SHA-256", encoder.encode(challenge.salt + n)));
      return Promise.all(digests).then(function (hashes) {
        for (var k = 0; k < hashes.length; k++) {
          var hash = new Uint8Array(hashes[k]);
          var same = true;
          for (var b = 0; b < 32 && same; b++) same = hash[b] === target[b];
          if (same) return start + k;
        }
        return from(end + 1);
      });
    };
    return from(0).then(function (number) {
      if (number === null) return null;
      return btoa(
        JSON.stringify({
          algorithm: challenge.algorithm,
          challenge: challenge.challenge,
          number: number,
          salt: challenge.salt,
          signature: challenge.signature
        })
      );
    });
  }

  /* A refusal of the proof of work (missing, wrong, expired or already used): worth one retry with a new one. */
  function challengeRefused(outcome) {
    var json = outcome.json;
    return (
      outcome.status === 422 &&
      Boolean(json && Array.isArray(json.fields)) &&
      json.fields.some(function (problem) { return problem.field === "altcha"; })
    );
  }

  /* ---------- fields, errors and messages: what the Pijntest and the intake form share ---------- */

  // Mixed into both forms' prototypes (see the end). A form has: id, container, fields, alert and status.
  var FormParts = {};

  /* A field the form checks: error (its message element), container, describe (the element whose
     aria-describedby names the message), hint (optional), label (how the summary names it), focus() (what
     to focus) and check() (a message, or null). */
  FormParts.register = function (step, name, field) {
    field.step = step;
    field.name = name;
    step.fields.push(field);
    this.fields[name] = field;
  };

  /* The field the API names, or the nearest one above it ("preferred_moments.2" -> "preferred_moments"). */
  FormParts.fieldNamed = function (name) {
    var parts = String(name).split(".");
    for (; parts.length; parts.pop()) {
      var field = this.fields[parts.join(".")];
      if (field) return field;
    }
    return null;
  };

  /* A labelled text field (or, with options.multiline, a text area), with an optional hint below its label. */
  FormParts.renderTextField = function (step, name, options) {
    var self = this;
    var base = self.id + "-" + name.replace(".", "-");
    var error = h("p", { class: "pt-field-error", id: base + "-error", hidden: true });
    var hint = options.hint ? h("p", { class: "pt-hint", id: base + "-hint", text: options.hint }) : null;
    var input = h(options.multiline ? "textarea" : "input", {
      type: options.multiline ? null : options.type,
      id: base,
      name: name.split(".").pop(),
      autocomplete: options.autocomplete,
      inputmode: options.inputmode,
      maxlength: options.maxlength,
      spellcheck: options.spellcheck,
      autocapitalize: options.autocapitalize,
      rows: options.rows,
      required: options.required !== false,
      "aria-describedby": hint ? hint.id : null,
      class: "pt-input" + (options.multiline ? " pt-input--multiline" : "")
    });
    if (options.value) input.value = options.value;
    input.addEventListener("input", function () { self.clearFieldError(name); });
    var label = h("label", { for: base, class: "pt-label", text: options.label });
    var wrapper = h("div", { class: "pt-field" }, label, hint, error, input);
    self.register(step, name, {
      error: error,
      container: wrapper,
      describe: input,
      input: input,
      hint: hint,
      label: options.label,
      focus: function () { return input; },
      check: function () { return options.check(input.value.trim()); }
    });
    append(step.section, wrapper);
    return input;
  };

  /* Name and email address (prefill: {name, email}, both optional), as this.nameInput and this.emailInput. */
  FormParts.renderNameAndEmail = function (step, prefill) {
    this.nameInput = this.renderTextField(step, "contact.name", {
      label: TEXTS.nameLabel,
      type: "text",
      autocomplete: "name",
      maxlength: "100",
      value: prefill.name,
      check: function (value) {
        if (!value) return TEXTS.nameMissing;
        return value.length > 100 ? TEXTS.nameTooLong : null;
      }
    });
    this.emailInput = this.renderEmailField(step, "contact.email", { label: TEXTS.emailLabel, value: prefill.email });
  };

  /* An email address field, checked as the API will. options: label, hint and value (both optional). */
  FormParts.renderEmailField = function (step, name, options) {
    return this.renderTextField(step, name, {
      label: options.label,
      hint: options.hint,
      type: "email",
      autocomplete: "email",
      inputmode: "email",
      maxlength: "254",
      spellcheck: "false",
      autocapitalize: "off",
      value: options.value,
      check: function (value) {
        if (!value) return TEXTS.emailMissing;
        return EMAIL.test(value) ? null : TEXTS.emailInvalid;
      }
    });
  };

  /* The consents, under "Toestemming": each its text exactly as served, an unticked box, a hint whether it is
     required. texts: {required, optional, missing}. The boxes are this.consents[purpose]. */
  FormParts.renderConsents = function (step, consents, texts) {
    var self = this;
    var legend = h("legend", { class: "pt-legend pt-legend--small", text: TEXTS.consentLegend });
    var group = h("fieldset", { class: "pt-consents" }, legend);
    self.consents = {};
    consents.forEach(function (consent) {
      var parts = self.renderConsent(step, consent, texts);
      self.consents[consent.purpose] = parts.box;
      append(group, parts.wrapper);
    });
    append(step.section, group);
  };

  FormParts.renderConsent = function (step, consent, texts) {
    var self = this;
    var base = self.id + "-consent-" + consent.purpose;
    var box = h("input", { type: "checkbox", id: base, name: base, required: consent.required });
    var error = h("p", { class: "pt-field-error", id: base + "-error", hidden: true });
    var hint = h("p", { class: "pt-hint", id: base + "-hint", text: consent.required ? texts.required : texts.optional });
    box.setAttribute("aria-describedby", hint.id);
    var wrapper = h(
      "div",
      { class: "pt-consent" + (consent.required ? " pt-consent--required" : "") },
      error,
      h("div", { class: "pt-consent-row" }, box, h("label", { for: base, class: "pt-consent-text", text: consent.text })),
      hint
    );
    box.addEventListener("change", function () { self.clearFieldError("consent." + consent.purpose); });
    self.register(step, "consent." + consent.purpose, {
      error: error,
      container: wrapper,
      describe: box,
      hint: hint,
      label: TEXTS.consentLegend,
      focus: function () { return box; },
      check: function () { return consent.required && !box.checked ? texts.missing : null; }
    });
    return { box: box, wrapper: wrapper };
  };

  /* Honeypot: hidden from people and from assistive technology, and out of the tab order; bots fill it in. */
  FormParts.renderHoneypot = function (parent) {
    var trapId = this.id + "-website";
    var trap = h("input", { type: "text", id: trapId, name: "website", tabindex: "-1", autocomplete: "off" });
    var label = h("label", { for: trapId, text: TEXTS.honeypot });
    append(parent, h("div", { class: "pt-hp", "aria-hidden": "true" }, label, trap));
    return trap;
  };

  FormParts.focusTop = function (element) {
    this.container.scrollIntoView({ block: "start" });
    element.focus({ preventScroll: true });
  };

  /* Runs every check of a step; the problems appear at their fields and in the step's summary. */
  FormParts.checkStep = function (step) {
    var problems = [];
    step.fields.forEach(function (field) {
      var message = field.check();
      if (message) problems.push({ field: field, message: message });
    });
    this.showFieldErrors(step, problems);
    return problems.length === 0;
  };

  FormParts.setFieldError = function (field, message) {
    field.error.textContent = message;
    field.error.hidden = false;
    field.container.classList.add("pt-has-error");
    var ids = [field.error.id];
    if (field.hint) ids.push(field.hint.id);
    field.describe.setAttribute("aria-describedby", ids.join(" "));
    if (field.input || field.describe.tagName === "INPUT") field.describe.setAttribute("aria-invalid", "true");
  };

  FormParts.clearFieldError = function (name) {
    var field = this.fields[name];
    if (!field || field.error.hidden) return;
    field.error.hidden = true;
    field.error.textContent = "";
    field.container.classList.remove("pt-has-error");
    if (field.hint) field.describe.setAttribute("aria-describedby", field.hint.id);
    else field.describe.removeAttribute("aria-describedby");
    field.describe.removeAttribute("aria-invalid");
  };

  /* Messages at each field, and a summary at the top of the step that links to them. */
  FormParts.showFieldErrors = function (step, problems, quietly) {
    var self = this;
    step.fields.forEach(function (field) { self.clearFieldError(field.name); });
    step.summary.textContent = "";
    step.summary.hidden = problems.length === 0;
    step.summary.removeAttribute("role");
    if (!problems.length) return;
    problems.forEach(function (problem) { self.setFieldError(problem.field, problem.message); });
    // Questions with the same message share one line ("Kies een antwoord. vraag 1, vraag 4"); other fields get one each.
    var list = h("ul", { class: "pt-summary-list" });
    var lines = new Map();
    problems.forEach(function (problem) {
      var question = problem.field.container.querySelector(".pt-number");
      var key = question ? "question:" + problem.message : "field:" + problem.field.name;
      if (lines.has(key) && !question) return; // one line per field, however many problems the API names
      if (!lines.has(key)) {
        var line = h("li", {}, question ? problem.message + " " : null);
        lines.set(key, line);
        append(list, line);
      } else {
        append(lines.get(key), ", ");
      }
      var text = question
        ? fill(TEXTS.questionNumber, { n: question.textContent.replace(/[.\s]+$/, "") })
        : problem.field.label + ": " + problem.message;
      append(lines.get(key), self.linkTo(problem.field, text));
    });
    append(step.summary, [h(step.summaryHeading || "h4", { class: "pt-summary-title", text: TEXTS.summaryTitle }), list]);
    if (quietly) return;
    step.summary.setAttribute("role", "alert");
    self.focusTop(step.summary);
  };

  /* A link that takes the focus to a field, without changing the page's URL. */
  FormParts.linkTo = function (field, text) {
    var target = field.focus();
    var link = h("a", { href: "#" + target.id, text: text });
    link.addEventListener("click", function (event) {
      event.preventDefault();
      field.container.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
    });
    return link;
  };

  /* A message for the whole form, at its top: {title, text, details: [...], action: element, focus: true}. */
  FormParts.showAlert = function (message) {
    this.alert.textContent = "";
    append(this.alert, h("p", { class: "pt-alert-title", text: message.title }));
    if (message.text) append(this.alert, h("p", { class: "pt-alert-text", text: message.text }));
    if (message.details && message.details.length) {
      append(this.alert, h("ul", {}, message.details.map(function (detail) { return h("li", { text: detail }); })));
    }
    if (message.action) append(this.alert, message.action);
    if (message.focus !== false) this.focusTop(this.alert);
  };

  FormParts.clearAlert = function () {
    this.alert.textContent = "";
  };

  /* While sending: the button says so and cannot be pressed twice. texts: {submit, sending}. */
  FormParts.setSending = function (sending, texts) {
    this.sending = sending;
    this.form.setAttribute("aria-busy", sending ? "true" : "false");
    if (this.submitButton) {
      this.submitButton.disabled = sending;
      this.submitButton.textContent = sending ? texts.sending : texts.submit;
    }
    this.status.textContent = sending ? texts.sending : "";
  };

  /* A page's container made ready for a form (the Pijntest's or the privacy form's): header, alert, status and
     body in it. False, with `notConfigured` at the top, when its data-api is no address to call. */
  FormParts.setUp = function (container, notConfigured) {
    this.container = container;
    this.id = "pt" + ++instances;
    this.api = (container.getAttribute("data-api") || "").trim().replace(/\/+$/, "");
    this.fields = {}; // field name as the API names it ("answers.x", "contact.email") -> its parts, see register()
    this.sending = false;
    container.classList.add("pijntest");
    if (!container.hasAttribute("lang")) container.setAttribute("lang", "nl"); // read out as Dutch on any page
    container.textContent = "";
    this.header = h("header", { class: "pt-header", hidden: true });
    this.status = h("p", { class: "pt-status", role: "status" });
    this.alert = h("div", { class: "pt-alert", role: "alert", tabindex: "-1" });
    this.body = h("div", { class: "pt-body" });
    append(container, [this.header, this.alert, this.status, this.body]);
    if (/^https?:\/\//.test(this.api)) {
      this.proof = new ProofOfWork(this.api); // solved while the visitor fills in the form
      return true;
    }
    this.showAlert({ title: notConfigured, focus: false });
    return false;
  };

  /* A form of one step (the intake form, the privacy form) as this.form and this.step, its summary at the top. */
  FormParts.newForm = function (className, labelledBy) {
    this.form = h("form", { class: "pt-form " + className, method: "post", novalidate: true, "aria-labelledby": labelledBy });
    this.step = { fields: [], section: this.form, summary: h("div", { class: "pt-summary", tabindex: "-1", hidden: true }) };
    this.step.summaryHeading = "h3"; // under the form's h2 title (a Pijntest step's summary sits under its h3)
    append(this.form, this.step.summary);
    return this.step;
  };

  /* The send button at the end of this.form; pressing it (or Enter in a field) calls submit(). */
  FormParts.addSubmitButton = function (text) {
    var self = this;
    self.submitButton = h("button", { type: "submit", class: "pt-button", text: text });
    append(self.form, h("div", { class: "pt-nav" }, self.submitButton));
    self.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit();
    });
  };

  /* A one-step form is checked in the browser first, then sent (send()) once all is well. */
  FormParts.submit = function () {
    if (this.sending) return;
    this.clearAlert();
    if (this.checkStep(this.step)) this.send();
  };

  /* Sends a one-step form's `body` (a JSON string) to the API's `path`, after `delay` ms. A 202 calls
     accepted(json); a 422 goes to the fields it names; any other answer, and a lost or blocked connection, is
     said at the top. texts: submit, sending, busy, sendFailed, sendFailedHelp, statusFallback and statusOwn
     (texts per status that win over the API's own; both optional). */
  /* POSTs `payload` (an object) with the solved proof of work as its `altcha`, waiting for it if it is not solved
     yet. Refused for its proof of work, it is sent once more with a fresh one. Resolves as postJson does. */
  FormParts.postWithProof = function (path, payload, texts) {
    var self = this;
    var attempt = function (retried) {
      return self.proof
        .solution()
        .then(function (altcha) {
          var body = Object.assign({}, payload);
          if (altcha) body.altcha = altcha;
          return postJson(self.api + path, JSON.stringify(body), self.status, texts);
        })
        .then(function (outcome) {
          if (!retried && challengeRefused(outcome)) {
            self.proof.renew();
            return attempt(true);
          }
          if (outcome.status >= 200 && outcome.status < 300) self.proof.failed = true; // spent: a new one next time
          return outcome;
        });
    };
    return attempt(false);
  };

  FormParts.sendForm = function (path, payload, delay, texts, accepted) {
    var self = this;
    self.setSending(true, texts);
    wait(delay)
      .then(function () { return self.postWithProof(path, payload, texts); })
      .then(
        function (outcome) {
          var status = outcome.status;
          var json = outcome.json;
          self.setSending(false, texts);
          if (status === 202) accepted(json);
          else if (status === 422 && json && Array.isArray(json.fields)) self.showFormErrors(json);
          else if (json && json.error === "rate_limited") self.showAlert({ title: apiMessage(status, json) });
          else self.showAlert({ title: (texts.statusOwn || {})[status] || apiMessage(status, json, texts.statusFallback) });
        },
        function () {
          self.setSending(false, texts);
          self.showAlert({ title: texts.sendFailed, text: texts.sendFailedHelp });
        }
      );
  };

  /* A 422 to a one-step form: each message at its field; what belongs to no field at the top. */
  FormParts.showFormErrors = function (body) {
    var self = this;
    var problems = [];
    var general = [];
    body.fields.forEach(function (problem) {
      var field = self.fieldNamed(problem.field);
      if (field) problems.push({ field: field, message: problem.message });
      else general.push(problem.message);
    });
    if (general.length || !problems.length) {
      self.showAlert({ title: body.message || TEXTS.statusFallback[422], details: general, focus: false });
    }
    self.showFieldErrors(self.step, problems, general.length > 0);
    if (general.length || !problems.length) self.focusTop(self.alert);
  };

  /* ---------- the Pijntest ---------- */

  function PijntestForm(container) {
    this.answers = new Map();
    this.stepIndex = 0;
    this.submissionId = null; // made once, on the first send, and reused on every retry
    this.startedAt = null;
    this.announcedStart = false; // the started beacon goes once per page, on the first answer
    this.urgentNotice = null; // the advice to contact the GP today, in the safety step: see updateUrgentNotice
    this.urgentAnchor = null; // the id of the urgent question it sits below
    // Only the intake form: on a page for intakes alone, or when the visitor followed a link to #intake.
    this.intakeOnly = container.hasAttribute("data-pijntest-intake-only");
    this.intakeFirst = this.intakeOnly || window.location.hash === "#intake";
    this.loadTexts = this.intakeFirst ? TEXTS.intake : TEXTS;
    if (this.setUp(container, TEXTS.notConfigured)) this.load();
  }

  PijntestForm.prototype.load = function () {
    var self = this;
    var texts = self.loadTexts;
    self.clearAlert();
    self.body.textContent = "";
    self.container.setAttribute("aria-busy", "true");
    self.status.textContent = texts.loading;
    fetch(self.api + "/pijntest", { method: "GET", mode: "cors", credentials: "omit", headers: { Accept: "application/json" } })
      .then(
        function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        },
        function () {
          throw UNREACHABLE; // offline, or the browser blocked the call (CORS): fetch cannot tell which
        }
      )
      .then(function (questionnaire) {
        self.container.removeAttribute("aria-busy");
        self.status.textContent = "";
        if (self.intakeFirst) self.renderIntakeOnly(questionnaire);
        else self.render(questionnaire);
      })
      .catch(function (error) {
        self.container.removeAttribute("aria-busy");
        self.status.textContent = "";
        self.body.textContent = "";
        var retry = h("button", { type: "button", class: "pt-button pt-button--secondary", text: TEXTS.tryAgain });
        retry.addEventListener("click", function () { self.load(); });
        // On page load: announced (role=alert) but without taking focus from whatever the visitor reads.
        var unreachable = error === UNREACHABLE;
        self.showAlert({
          title: unreachable ? texts.unreachable : texts.loadFailed,
          text: unreachable ? texts.unreachableHelp : null,
          action: retry,
          focus: false
        });
      });
  };

  /* ---------- the questionnaire ---------- */

  PijntestForm.prototype.render = function (questionnaire) {
    var self = this;
    self.questionnaire = questionnaire;
    self.startedAt = Date.now();
    var titleId = self.id + "-title";
    var blocks = questionnaire.blocks.filter(function (block) { return STEP_BLOCKS.indexOf(block.id) >= 0; });
    self.questionCount = questionnaire.questions.length;

    self.form = h("form", { class: "pt-form", method: "post", novalidate: true, "aria-labelledby": titleId });
    self.steps = blocks.map(function (block) {
      var questions = questionnaire.questions.filter(function (q) { return q.block === block.id; });
      return self.renderQuestionStep(block, questions);
    });
    self.steps.push(self.renderContactStep(questionnaire));
    self.progress = self.renderProgress();

    append(self.form, [self.progress.nav, self.steps.map(function (step) { return step.section; })]);
    self.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.advance();
    });
    self.form.addEventListener("change", function () {
      self.updateCount();
      self.announceStart();
    });

    self.intro = h("p", { class: "pt-intro", text: questionnaire.intro });
    append(self.header, [h("h2", { class: "pt-title", id: titleId, text: questionnaire.title }), self.intro]);
    self.header.hidden = false;
    append(self.body, self.form);
    self.showStep(0, false);
  };

  PijntestForm.prototype.renderProgress = function () {
    var self = this;
    var items = self.steps.map(function (step, index) {
      var done = h("span", { class: "pt-visually-hidden" });
      var item = h(
        "li",
        { class: "pt-progress-step" },
        h("span", { class: "pt-progress-number", "aria-hidden": "true", text: String(index + 1) }),
        h("span", { class: "pt-progress-name", text: step.name }),
        done
      );
      return { item: item, done: done };
    });
    var bar = h("div", { class: "pt-progress-fill" });
    var count = h("p", { class: "pt-progress-count" });
    var nav = h(
      "nav",
      { class: "pt-progress", "aria-label": TEXTS.progressLabel },
      h("ol", { class: "pt-progress-steps" }, items.map(function (entry) { return entry.item; })),
      h("div", { class: "pt-progress-bar", "aria-hidden": "true" }, bar),
      count
    );
    return { nav: nav, items: items, bar: bar, count: count };
  };

  PijntestForm.prototype.renderQuestionStep = function (block, questions) {
    var self = this;
    var step = self.newStep(block.id);
    append(step.section, h("p", { class: "pt-block-intro", text: block.intro }));
    append(step.section, step.summary);
    if (block.id === "safety" && self.questionnaire.urgent_advice) {
      self.urgentNotice = urgentAdvice(self.questionnaire.urgent_advice, 4, false, {
        class: "pt-urgent pt-urgent--now",
        role: "alert"
      });
    }
    questions.forEach(function (question, index) {
      append(step.section, self.renderQuestion(step, question, index + 1));
    });
    append(step.section, step.nav);
    return step;
  };

  PijntestForm.prototype.newStep = function (key) {
    var headingId = this.id + "-step-" + key;
    var step = {
      key: key,
      name: TEXTS.stepNames[key],
      fields: [],
      heading: h("h3", { class: "pt-step-title", id: headingId, tabindex: "-1" }),
      summary: h("div", { class: "pt-summary", tabindex: "-1", hidden: true }),
      nav: h("div", { class: "pt-nav" })
    };
    step.section = h("section", { class: "pt-step", "aria-labelledby": headingId, hidden: true }, step.heading);
    return step;
  };

  PijntestForm.prototype.renderQuestion = function (step, question, number) {
    var self = this;
    var base = self.id + "-" + question.id;
    var error = h("p", { class: "pt-field-error", id: base + "-error", hidden: true });
    var many = question.options.length > 5;
    var options = h("div", { class: "pt-options" + (many ? " pt-options--scale" : "") });
    question.options.forEach(function (option, index) {
      var input = h("input", { type: "radio", name: base, id: base + "-" + index, value: String(option.value) });
      input.addEventListener("change", function () {
        if (input.checked) {
          self.answers.set(question.id, option.value); // the served value, type included
          self.clearFieldError("answers." + question.id);
          if (question.urgency === "urgent") self.updateUrgentNotice(question);
        }
      });
      append(options, h("label", { class: "pt-option", for: input.id }, input, h("span", { text: option.label })));
    });
    var fieldset = h(
      "fieldset",
      { class: "pt-question", id: base },
      h("legend", { class: "pt-legend" }, h("span", { class: "pt-number", text: number + ". " }), question.text),
      error,
      options
    );
    self.register(step, "answers." + question.id, {
      error: error,
      container: fieldset,
      describe: fieldset,
      focus: function () { return fieldset.querySelector("input:checked") || fieldset.querySelector("input"); },
      check: function () { return self.answers.has(question.id) ? null : TEXTS.chooseAnswer; }
    });
    return fieldset;
  };

  /* The advice to contact the GP today, as soon as an urgent safety question is answered "ja", without waiting
     for the rest of the test: below the urgent question answered "ja" last (it stays put while that one is
     still "ja"), announced (role=alert), with the 113 line while a question that calls for it (crisis_line) is
     "ja". Gone again once every urgent answer is "nee". The texts are the API's, the same as an urgent result's. */
  PijntestForm.prototype.updateUrgentNotice = function (question) {
    var self = this;
    var notice = self.urgentNotice;
    if (!notice) return;
    var raised = self.questionnaire.questions.filter(function (q) {
      return q.urgency === "urgent" && self.answers.get(q.id) === YES;
    });
    var ids = raised.map(function (q) { return q.id; });
    if (!raised.length) {
      self.urgentAnchor = null;
      notice.box.remove();
      return;
    }
    var crisis = raised.some(function (q) { return q.crisis_line === true; });
    if (crisis && !notice.crisis.parentNode) append(notice.box, notice.crisis);
    if (!crisis) notice.crisis.remove();
    if (ids.indexOf(question.id) >= 0) self.urgentAnchor = question.id;
    else if (ids.indexOf(self.urgentAnchor) < 0) self.urgentAnchor = ids[ids.length - 1];
    var below = self.fields["answers." + self.urgentAnchor].container;
    if (below.nextSibling !== notice.box) below.parentNode.insertBefore(notice.box, below.nextSibling);
  };

  PijntestForm.prototype.renderContactStep = function (questionnaire) {
    var self = this;
    var step = self.newStep("contact");
    append(step.section, [h("p", { class: "pt-block-intro", text: TEXTS.contactIntro }), step.summary]);

    self.renderNameAndEmail(step, {});

    self.renderConsents(step, consentsOf(questionnaire, "pijntest", CONSENT_PURPOSES), {
      required: TEXTS.consentRequired,
      optional: TEXTS.consentOptional,
      missing: TEXTS.consentMissing
    });
    self.honeypot = self.renderHoneypot(step.section);
    append(step.section, step.nav);
    return step;
  };

  /* The consents a form asks, as served: those GET /pijntest names for it, of the purposes its POST accepts. */
  function consentsOf(questionnaire, form, purposes) {
    return (questionnaire.consents || []).filter(function (consent) {
      return consent.form === form && purposes.indexOf(consent.purpose) >= 0;
    });
  }

  /* ---------- moving through the steps ---------- */

  PijntestForm.prototype.showStep = function (index, moveFocus) {
    var self = this;
    self.stepIndex = index;
    var total = self.steps.length;
    self.steps.forEach(function (step, i) {
      step.section.hidden = i !== index;
      step.heading.textContent = fill(TEXTS.stepOf, { n: i + 1, total: total }) + ": " + step.name;
      var entry = self.progress.items[i];
      entry.item.classList.toggle("pt-progress-step--current", i === index);
      entry.item.classList.toggle("pt-progress-step--done", i < index);
      if (i === index) entry.item.setAttribute("aria-current", "step");
      else entry.item.removeAttribute("aria-current");
      entry.done.textContent = i < index ? " (" + TEXTS.stepDone + ")" : "";
    });
    var step = self.steps[index];
    step.nav.textContent = "";
    if (index > 0) {
      var back = h("button", { type: "button", class: "pt-button pt-button--secondary", text: TEXTS.back });
      back.addEventListener("click", function () {
        self.clearAlert();
        self.showStep(index - 1, true);
      });
      append(step.nav, back);
    }
    var last = index === total - 1;
    self.submitButton = h("button", { type: "submit", class: "pt-button", text: last ? TEXTS.submit : TEXTS.next });
    append(step.nav, self.submitButton);
    self.updateCount();
    if (moveFocus) self.focusTop(step.heading);
  };

  PijntestForm.prototype.updateCount = function () {
    if (!this.progress) return;
    var answered = this.answers.size;
    var total = this.questionCount;
    this.progress.count.textContent = fill(TEXTS.answered, { n: answered, total: total });
    this.progress.bar.style.width = Math.round((100 * answered) / Math.max(total, 1)) + "%";
  };

  PijntestForm.prototype.advance = function () {
    if (this.sending) return;
    this.clearAlert();
    if (!this.checkStep(this.steps[this.stepIndex])) return;
    if (this.stepIndex < this.steps.length - 1) this.showStep(this.stepIndex + 1, true);
    else this.send();
  };

  /* ---------- errors ---------- */

  /* A 422: each message at its field, the first step with a problem shown; the rest at the top. */
  PijntestForm.prototype.showServerErrors = function (body) {
    var self = this;
    var byStep = new Map();
    var general = [];
    (body.fields || []).forEach(function (problem) {
      var field = self.fieldNamed(problem.field);
      if (!field) {
        general.push(problem.message);
        return;
      }
      if (!byStep.has(field.step)) byStep.set(field.step, []);
      byStep.get(field.step).push({ field: field, message: problem.message });
    });
    var first = self.steps.filter(function (step) { return byStep.has(step); })[0];
    if (general.length || !first) {
      self.showAlert({ title: body.message || TEXTS.statusFallback[422], details: general });
    }
    if (first) {
      var index = self.steps.indexOf(first);
      if (index !== self.stepIndex) self.showStep(index, false);
      byStep.forEach(function (problems, step) { self.showFieldErrors(step, problems, step !== first); });
      if (general.length) self.focusTop(self.alert);
    }
  };

  /* ---------- sending ---------- */

  PijntestForm.prototype.payload = function () {
    var answers = {};
    this.answers.forEach(function (value, key) { answers[key] = value; });
    return {
      submission_id: this.submissionId,
      answers: answers,
      contact: { name: this.nameInput.value.trim(), email: this.emailInput.value.trim() },
      consent: {
        health_data: Boolean(this.consents.health_data && this.consents.health_data.checked),
        marketing: Boolean(this.consents.marketing && this.consents.marketing.checked),
        version: this.questionnaire.consent_version
      },
      source: readSource(),
      website: this.honeypot.value,
      started_at: this.startedAt
    };
  };

  /* Counts a started test once: no id, no cookie, nothing stored in the browser; only the questionnaire
     version and the UTM fields (docs/privacy.md). Fire and forget: a lost count never bothers the visitor. */
  PijntestForm.prototype.announceStart = function () {
    if (this.announcedStart) return;
    this.announcedStart = true;
    var source = {};
    var read = readSource();
    ["utm_source", "utm_medium", "utm_campaign"].forEach(function (name) {
      if (read[name]) source[name] = read[name];
    });
    var body = JSON.stringify({
      questionnaire_version: this.questionnaire.version,
      source: source,
      website: this.honeypot.value,
      started_at: this.startedAt
    });
    var url = this.api + "/pijntest/started";
    try {
      fetch(url, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        keepalive: true,
        headers: { "Content-Type": "application/json" },
        body: body
      }).catch(function () {});
    } catch (error) {
      /* a browser without fetch keepalive: the count is lost, the test goes on */
    }
  };

  PijntestForm.prototype.send = function () {
    var self = this;
    if (!self.submissionId) self.submissionId = uuid4();
    var payload = self.payload();
    var texts = { submit: TEXTS.submit, sending: TEXTS.sending, busy: TEXTS.busy };
    self.setSending(true, texts);
    self.postWithProof("/pijntest", payload, texts).then(
      function (outcome) {
        self.setSending(false, texts);
        self.handleResponse(outcome.status, outcome.json);
      },
      function () {
        self.setSending(false, texts);
        self.showAlert({ title: TEXTS.unreachable, text: TEXTS.unreachableHelp });
      }
    );
  };

  PijntestForm.prototype.handleResponse = function (status, json) {
    if ((status === 200 || status === 201) && json && json.result) {
      this.showResult(json.result, json.documents);
    } else if (status === 422 && json && Array.isArray(json.fields)) {
      this.showServerErrors(json);
    } else {
      this.showAlert({ title: apiMessage(status, json) });
    }
  };

  /* ---------- the result ---------- */

  PijntestForm.prototype.showResult = function (result, documents) {
    this.form.hidden = true;
    this.intro.hidden = true; // "het invullen duurt ..." no longer applies
    this.clearAlert();
    var view = h("section", { class: "pt-result pt-result--" + result.triage, "aria-label": TEXTS.result.heading });
    var focusTarget;
    var invitation = null;
    if (result.triage === "urgent") {
      focusTarget = this.renderUrgent(view, result);
      this.renderDocuments(view, documents, true);
    } else {
      if (result.triage === "see_gp" && result.triage_message) focusTarget = this.renderSeeGp(view, result);
      var indicationHeading = this.renderIndication(view, result);
      focusTarget = focusTarget || indicationHeading;
      this.renderDomains(view, result.domains);
      this.renderNotes(view, result.notes);
      this.renderAdvice(view, result.advice);
      this.renderDocuments(view, documents, false);
      invitation = this.renderCallToAction(view, result.call_to_action);
    }
    append(
      view,
      h(
        "div",
        { class: "pt-disclaimer" },
        h("h4", { class: "pt-disclaimer-title", text: TEXTS.result.disclaimerHeading }),
        h("p", { text: result.disclaimer })
      )
    );
    append(this.body, view);
    if (invitation) this.offerIntake(invitation, result);
    this.focusTop(focusTarget);
  };

  /* Download buttons for the result's PDFs, from the submit response's short-lived signed links (paths under the
     API). After an urgent result only the GP summary: it leads with the advice to contact the GP today. */
  PijntestForm.prototype.renderDocuments = function (view, documents, urgent) {
    if (!documents || !documents.gp_summary) return;
    var api = this.api;
    function button(path, text, secondary) {
      var classes = "pt-button pt-document" + (secondary ? " pt-button--secondary" : "");
      return h("a", { href: api + path, class: classes, download: "", text: text });
    }
    var report = !urgent && documents.report ? button(documents.report, TEXTS.result.report, false) : null;
    append(
      view,
      h(
        "div",
        { class: "pt-documents" },
        h("h4", { class: "pt-section-title", text: TEXTS.result.documentsHeading }),
        urgent ? h("p", { text: TEXTS.result.urgentGpSummary }) : null,
        h("p", { class: "pt-document-buttons" }, report, button(documents.gp_summary, TEXTS.result.gpSummary, !urgent)),
        h("p", { class: "pt-hint", text: TEXTS.result.documentsHelp })
      )
    );
  };

  PijntestForm.prototype.renderUrgent = function (view, result) {
    var message = result.triage_message;
    var advice = urgentAdvice(message, 3, Boolean(message.crisis_line), { class: "pt-urgent" });
    append(view, advice.box);
    return advice.heading;
  };

  /* The advice to contact the GP today ({title, text, crisis_line}, as served) in a box with `attributes`: its
     heading (h<level>), its text and, when `withCrisis`, the 113 line. Returns {box, heading, crisis}, crisis
     being the 113 line's element, whether it is in the box or not. */
  function urgentAdvice(message, level, withCrisis, attributes) {
    var heading = h("h" + level, { class: "pt-urgent-title", tabindex: "-1", text: message.title });
    var crisis = h("p", { class: "pt-crisis", text: message.crisis_line || "" });
    var text = h("p", { class: "pt-urgent-text", text: message.text });
    return { box: h("div", attributes, heading, text, withCrisis ? crisis : null), heading: heading, crisis: crisis };
  }

  PijntestForm.prototype.renderSeeGp = function (view, result) {
    var message = result.triage_message;
    var heading = h("h3", { class: "pt-banner-title", tabindex: "-1", text: message.title });
    var flags = (result.red_flags || []).map(function (flag) { return h("li", { text: flag.flag }); });
    append(
      view,
      h(
        "div",
        { class: "pt-banner" },
        heading,
        h("p", { text: message.text }),
        flags.length ? [h("p", { class: "pt-banner-flags-intro", text: TEXTS.result.flagsIntro }), h("ul", {}, flags)] : null
      )
    );
    return heading;
  };

  PijntestForm.prototype.renderIndication = function (view, result) {
    var indication = result.indication || { title: TEXTS.result.heading, text: "" };
    var heading = h("h3", { class: "pt-indication-title", tabindex: "-1", text: indication.title });
    append(
      view,
      h(
        "div",
        { class: "pt-indication pt-indication--" + result.category },
        h("p", { class: "pt-kicker", text: TEXTS.result.indicationKicker }),
        heading,
        h("p", { class: "pt-indication-text", text: indication.text }),
        result.total === null || result.total === undefined
          ? null
          : h("p", { class: "pt-total", text: fill(TEXTS.result.total, { score: result.total, max: result.max_total }) })
      )
    );
    return heading;
  };

  PijntestForm.prototype.renderDomains = function (view, domains) {
    var self = this;
    if (!domains || !domains.length) return;
    var list = h("ul", { class: "pt-domains" });
    domains.forEach(function (domain) {
      var fillBar = h("div", { class: "pt-bar-fill", "data-percent": String(domain.percent) });
      fillBar.style.width = Math.max(0, Math.min(100, domain.percent)) + "%";
      var scoreText =
        fill(TEXTS.result.domainScore, { score: domain.score, max: domain.max }) + " · " + (TEXTS.result.bands[domain.band] || domain.band);
      var item = h(
        "li",
        { class: "pt-domain pt-domain--" + domain.band, "data-domain": domain.id },
        h(
          "div",
          { class: "pt-domain-head" },
          h("h5", { class: "pt-domain-label", text: domain.label }),
          h("span", { class: "pt-domain-score", text: scoreText })
        ),
        h("div", { class: "pt-bar", "aria-hidden": "true" }, fillBar),
        h("p", { class: "pt-domain-explanation", text: domain.explanation })
      );
      if (domain.drivers && domain.drivers.length) append(item, self.renderDrivers(domain.drivers));
      append(list, item);
    });
    append(view, [h("h4", { class: "pt-section-title", text: TEXTS.result.domainsHeading }), list]);
  };

  PijntestForm.prototype.renderDrivers = function (drivers) {
    return h(
      "details",
      { class: "pt-drivers" },
      h("summary", { text: TEXTS.result.drivers }),
      h(
        "ul",
        {},
        drivers.map(function (driver) {
          return h(
            "li",
            { class: "pt-driver" },
            h("span", { class: "pt-driver-text", text: driver.text }),
            " ",
            h("span", { class: "pt-driver-answer", text: fill(TEXTS.result.driverAnswer, { answer: driver.answer.toLowerCase() }) })
          );
        })
      )
    );
  };

  PijntestForm.prototype.renderNotes = function (view, notes) {
    if (!notes || !notes.length) return;
    append(
      view,
      h(
        "div",
        { class: "pt-notes" },
        h("h4", { class: "pt-section-title", text: TEXTS.result.notesHeading }),
        h("ul", {}, notes.map(function (note) { return h("li", { text: note }); }))
      )
    );
  };

  PijntestForm.prototype.renderAdvice = function (view, advice) {
    if (!advice || !advice.length) return;
    append(view, [
      h("h4", { class: "pt-section-title", text: TEXTS.result.adviceHeading }),
      h(
        "ol",
        { class: "pt-advice" },
        advice.map(function (item) {
          return h(
            "li",
            { class: "pt-advice-item", "data-advice": item.id },
            h("h5", { class: "pt-advice-title", text: item.title }),
            h("p", { text: item.text })
          );
        })
      )
    ]);
  };

  /* The invitation, with the slot for the intake form; returns {slot, titleId}, or null without one. */
  PijntestForm.prototype.renderCallToAction = function (view, callToAction) {
    if (!callToAction) return null;
    var titleId = this.id + "-invitation";
    var slot = h("div", { class: "pt-intake", "data-pijntest-intake": true });
    append(
      view,
      h(
        "div",
        { class: "pt-cta" },
        h("h4", { class: "pt-cta-title", id: titleId, text: callToAction.title }),
        h("p", { text: callToAction.text }),
        slot
      )
    );
    return { slot: slot, titleId: titleId };
  };

  /* The intake form in the invitation, prefilled from the test. Never after an urgent result: that result has
     no invitation at all. After "see your GP first" the form waits behind a button, so that it does not crowd
     out the advice to see the GP first, yet is there for whoever has already been or wants to plan ahead. */
  PijntestForm.prototype.offerIntake = function (invitation, result) {
    if (result.triage === "urgent") return;
    var options = {
      api: this.api,
      questionnaire: this.questionnaire,
      labelledBy: invitation.titleId,
      level: 5,
      intro: TEXTS.intake.introPrefilled,
      name: this.nameInput.value.trim(),
      email: this.emailInput.value.trim(),
      submissionId: this.submissionId,
      triage: result.triage
    };
    if (result.triage !== "see_gp") {
      new IntakeForm(invitation.slot, options);
      return;
    }
    var panel = h("div", { class: "pt-intake-panel", id: this.id + "-intake", hidden: true });
    var toggle = h("button", {
      type: "button",
      class: "pt-button",
      "aria-expanded": "false",
      "aria-controls": panel.id,
      text: TEXTS.intake.open
    });
    var form = null;
    options.onSent = function () { toggle.hidden = true; };
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      panel.hidden = !open;
      if (open && !form) form = new IntakeForm(panel, options); // opened now: that is when it started
    });
    append(invitation.slot, [toggle, panel]);
  };

  /* Only the intake form, under a heading of its own. Opened from a #intake link, it offers the test too. */
  PijntestForm.prototype.renderIntakeOnly = function (questionnaire) {
    var self = this;
    var titleId = self.id + "-title";
    self.questionnaire = questionnaire;
    append(self.header, [
      h("h2", { class: "pt-title", id: titleId, text: TEXTS.intake.title }),
      h("p", { class: "pt-intro", text: TEXTS.intake.intro })
    ]);
    if (!self.intakeOnly) {
      var toTest = h("button", { type: "button", class: "pt-button pt-button--secondary", text: TEXTS.intake.takeTest });
      toTest.addEventListener("click", function () {
        self.header.textContent = "";
        self.body.textContent = "";
        self.render(questionnaire);
        self.focusTop(self.steps[0].heading);
      });
      var intro = h("span", { text: TEXTS.intake.takeTestIntro });
      append(self.header, h("p", { class: "pt-intake-switch" }, intro, " ", toTest));
    }
    self.header.hidden = false;
    var slot = h("div", { class: "pt-intake pt-intake--alone", "data-pijntest-intake": true });
    append(self.body, slot);
    new IntakeForm(slot, { api: self.api, questionnaire: questionnaire, labelledBy: titleId, level: 3 });
    // The page has no element called "intake" for the browser to scroll to: the form takes its place.
    if (!self.intakeOnly) self.container.scrollIntoView({ block: "start" });
  };

  /* ---------- the intake form ---------- */

  /* "Plan een intakegesprek" (POST /intake) in `root`. options: api, questionnaire (GET /pijntest: the consent
     text and version), labelledBy (the id of its heading), level (of the confirmation's heading), intro, and
     after a Pijntest: name, email, submissionId, triage, onSent. */
  function IntakeForm(root, options) {
    this.container = root;
    this.id = "pt" + ++instances;
    this.api = options.api;
    this.options = options;
    this.fields = {};
    this.requestId = null; // made once, on the first send, and reused on every retry
    this.startedAt = Date.now();
    this.sending = false;
    this.texts = TEXTS.intake;
    this.proof = new ProofOfWork(this.api); // solved while the visitor fills in the form
    this.render();
  }

  IntakeForm.prototype.render = function () {
    var self = this;
    var T = TEXTS.intake;
    var options = self.options;
    self.alert = h("div", { class: "pt-alert", role: "alert", tabindex: "-1" });
    self.status = h("p", { class: "pt-status", role: "status" });
    var step = self.newForm("pt-intake-form", options.labelledBy);

    self.renderNameAndEmail(step, options);
    self.wayInputs = self.renderChoices("preferred_contact", {
      type: "radio",
      legend: T.contactLegend,
      layout: "row",
      choices: CONTACT_WAYS.map(function (way) { return [way, T.contactWays[way]]; }),
      check: function () { return self.preferredContact() ? null : T.contactMissing; },
      change: function () { self.updatePhone(); }
    });
    self.phoneInput = self.renderTextField(step, "contact.phone", {
      label: T.phoneLabel,
      type: "tel",
      autocomplete: "tel",
      inputmode: "tel",
      maxlength: "40",
      required: false,
      hint: T.phoneOptional,
      check: function (value) {
        if (!value) return self.preferredContact() === "phone" ? T.phoneMissing : null;
        var digits = value.replace(/\D/g, "").length;
        return PHONE.test(value) && digits >= 8 && digits <= 15 ? null : T.phoneInvalid;
      }
    });
    self.momentInputs = self.renderChoices("preferred_moments", {
      type: "checkbox",
      legend: T.momentsLegend,
      hint: T.momentsHint,
      layout: "wide",
      choices: MOMENTS.map(function (moment) { return [moment, T.moments[moment]]; })
    });
    self.messageInput = self.renderTextField(step, "message", {
      label: T.messageLabel,
      multiline: true,
      rows: "5",
      required: false,
      hint: T.messageHint,
      check: function (value) { return codePoints(value) > MAX_MESSAGE ? T.messageTooLong : null; }
    });
    self.renderCounter(self.messageInput);

    self.renderConsents(step, consentsOf(options.questionnaire, "intake", INTAKE_PURPOSES), {
      required: T.consentRequired,
      optional: TEXTS.consentOptional,
      missing: T.consentMissing
    });
    self.honeypot = self.renderHoneypot(self.form);
    self.addSubmitButton(T.submit);

    append(self.container, [
      options.intro ? h("p", { class: "pt-intake-intro", text: options.intro }) : null,
      self.alert,
      self.status,
      self.form
    ]);
  };

  /* A fieldset of radio buttons or checkboxes. options: type, legend, hint, layout ("row": all in one row,
     "wide": two to a row), choices ([value, label]), check (else always fine), change. Returns the inputs. */
  IntakeForm.prototype.renderChoices = function (name, options) {
    var self = this;
    var base = self.id + "-" + name;
    var error = h("p", { class: "pt-field-error", id: base + "-error", hidden: true });
    var hint = options.hint ? h("p", { class: "pt-hint", id: base + "-hint", text: options.hint }) : null;
    var list = h("div", { class: "pt-options pt-options--" + options.layout });
    var inputs = options.choices.map(function (choice, index) {
      var input = h("input", { type: options.type, name: base, id: base + "-" + index, value: choice[0] });
      input.addEventListener("change", function () {
        self.clearFieldError(name);
        if (options.change) options.change();
      });
      append(list, h("label", { class: "pt-option", for: input.id }, input, h("span", { text: choice[1] })));
      return input;
    });
    var fieldset = h(
      "fieldset",
      { class: "pt-question", id: base, "aria-describedby": hint ? hint.id : null },
      h("legend", { class: "pt-legend", text: options.legend }),
      hint,
      error,
      list
    );
    self.register(self.step, name, {
      error: error,
      container: fieldset,
      describe: fieldset,
      hint: hint,
      label: options.legend,
      focus: function () { return fieldset.querySelector("input:checked") || inputs[0]; },
      check: options.check || function () { return null; }
    });
    append(self.form, fieldset);
    return inputs;
  };

  /* How many characters are left: shown as the visitor types, read out once they pause. */
  IntakeForm.prototype.renderCounter = function (textarea) {
    var T = TEXTS.intake;
    var shown = h("p", { class: "pt-counter", "aria-hidden": "true" });
    var spoken = h("p", { class: "pt-visually-hidden", "aria-live": "polite" });
    var timer = null;
    var update = function () {
      var left = MAX_MESSAGE - codePoints(textarea.value);
      if (left >= 0) shown.textContent = left === 1 ? T.charLeft : fill(T.charsLeft, { n: formatNumber(left) });
      else shown.textContent = left === -1 ? T.charOver : fill(T.charsOver, { n: formatNumber(-left) });
      shown.classList.toggle("pt-counter--over", left < 0);
    };
    textarea.addEventListener("input", function () {
      update();
      clearTimeout(timer);
      timer = setTimeout(function () { spoken.textContent = shown.textContent; }, 1000);
    });
    update();
    append(textarea.parentNode, [shown, spoken]);
  };

  IntakeForm.prototype.preferredContact = function () {
    var chosen = this.wayInputs.filter(function (input) { return input.checked; })[0];
    return chosen ? chosen.value : null;
  };

  /* The phone number is needed only to be called back: its hint and requiredness follow the choice. */
  IntakeForm.prototype.updatePhone = function () {
    var needed = this.preferredContact() === "phone";
    this.phoneInput.required = needed;
    this.fields["contact.phone"].hint.textContent = needed ? TEXTS.intake.phoneNeeded : TEXTS.intake.phoneOptional;
    if (!needed && !this.phoneInput.value.trim()) this.clearFieldError("contact.phone");
  };

  IntakeForm.prototype.payload = function () {
    var contact = { name: this.nameInput.value.trim(), email: this.emailInput.value.trim() };
    var phone = this.phoneInput.value.trim();
    if (phone) contact.phone = phone;
    var body = {
      request_id: this.requestId,
      contact: contact,
      preferred_contact: this.preferredContact(),
      preferred_moments: this.momentInputs
        .filter(function (input) { return input.checked; })
        .map(function (input) { return input.value; }),
      consent: {
        contact: Boolean(this.consents.contact && this.consents.contact.checked),
        version: this.options.questionnaire.consent_version
      },
      website: this.honeypot.value,
      started_at: this.startedAt
    };
    var message = this.messageInput.value.trim();
    if (message) body.message = message;
    if (this.options.submissionId) body.submission_id = this.options.submissionId;
    return body;
  };

  IntakeForm.prototype.send = function () {
    var self = this;
    if (!self.requestId) self.requestId = uuid4();
    var sent = self.payload();
    var minFillMs = self.options.questionnaire.min_fill_seconds * 1000 + MIN_FILL_MARGIN_MS;
    var delay = Math.max(0, self.startedAt + minFillMs - Date.now());
    self.sendForm("/intake", sent, delay, self.texts, function (json) {
      self.showConfirmation(json && json.status === "requested" ? sent : null);
    });
  };

  /* What happens next, in place of the form. `sent` is the request the API took (null: a bare thank-you). */
  IntakeForm.prototype.showConfirmation = function (sent) {
    var D = TEXTS.intake.done;
    var level = this.options.level || 3;
    var title = sent ? D.title : TEXTS.intake.accepted;
    var heading = h("h" + level, { class: "pt-confirmation-title", tabindex: "-1", text: title });
    var view = h("div", { class: "pt-confirmation" }, heading);
    if (sent) {
      var moments = sent.preferred_moments.map(function (moment) { return D.moments[moment]; });
      var last = moments.pop();
      var when = last ? fill(D.preferably, { moments: (moments.length ? moments.join(", ") + D.or : "") + last }) : "";
      append(view, [
        h("p", { text: fill(D.thanks, { name: sent.contact.name }) }),
        this.options.triage === "see_gp" ? h("p", { class: "pt-confirmation-gp", text: D.seeGp }) : null,
        h("h" + Math.min(6, level + 1), { class: "pt-confirmation-next", text: D.nextHeading }),
        h(
          "ul",
          {},
          h("li", { text: D.next[sent.preferred_contact] + when + "." }),
          h("li", { text: fill(D.confirmation, { email: sent.contact.email }) }),
          h("li", { text: D.together })
        ),
        h("p", { class: "pt-confirmation-worse", text: D.worse })
      ]);
    }
    this.container.textContent = "";
    append(this.container, view);
    if (this.options.onSent) this.options.onSent();
    this.focusTop(heading);
  };

  /* ---------- the privacy form ---------- */

  /* "Je gegevens verwijderen" (POST /privacy/erase) in a container with data-pijntest-privacy: what erasure
     covers, an email address, and after the API's 202 the same confirmation for every address, known or not. */
  function PrivacyForm(container) {
    this.texts = TEXTS.privacy;
    if (this.setUp(container, this.texts.notConfigured)) this.render();
  }

  PrivacyForm.prototype.render = function () {
    var T = this.texts;
    var titleId = this.id + "-title";
    append(this.header, [
      h("h2", { class: "pt-title", id: titleId, text: T.title }),
      h("p", { class: "pt-intro", text: T.intro }),
      h("ul", { class: "pt-privacy-what" }, T.what.map(function (item) { return h("li", { text: item }); })),
      h("p", { class: "pt-intro", text: T.how })
    ]);
    this.header.hidden = false;
    var step = this.newForm("pt-privacy-form", titleId);
    this.emailInput = this.renderEmailField(step, "email", { label: T.emailLabel, hint: T.emailHint });
    this.addSubmitButton(T.submit);
    append(this.body, this.form);
  };

  PrivacyForm.prototype.send = function () {
    var self = this;
    var payload = { email: self.emailInput.value.trim() };
    self.sendForm("/privacy/erase", payload, 0, self.texts, function () { self.showConfirmation(); });
  };

  /* In place of the form, focused, so that a screen reader reads it out. It says nothing about the address. */
  PrivacyForm.prototype.showConfirmation = function () {
    var T = this.texts;
    var heading = h("h3", { class: "pt-confirmation-title", tabindex: "-1", text: T.doneTitle });
    this.body.textContent = "";
    append(this.body, h("div", { class: "pt-confirmation" }, heading, h("p", { text: T.done }), h("p", { text: T.doneHelp })));
    this.focusTop(heading);
  };

  [PijntestForm, IntakeForm, PrivacyForm].forEach(function (Form) {
    Object.keys(FormParts).forEach(function (name) { Form.prototype[name] = FormParts[name]; });
  });

  /* ---------- start ---------- */

  function start() {
    var containers = document.querySelectorAll(
      "[data-pijntest]:not([data-pijntest-ready]), [data-pijntest-privacy]:not([data-pijntest-ready])"
    );
    if (containers.length) ensureStylesheet();
    Array.prototype.forEach.call(containers, function (container) {
      container.setAttribute("data-pijntest-ready", "");
      if (container.hasAttribute("data-pijntest-privacy")) new PrivacyForm(container);
      else new PijntestForm(container);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
