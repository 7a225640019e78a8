/*
 * Paydesk's stand-in for Stripe.js (https://js.stripe.com/v3/), served by the Stripe
 * simulator. It implements, with @stripe/stripe-js's signatures, the part Paydesk uses:
 * Stripe(pk), elements({clientSecret} | {mode, amount, currency}), elements.create('payment'),
 * mount/unmount/on, elements.submit(), confirmPayment, createConfirmationToken,
 * handleNextAction and retrievePaymentIntent.
 *
 * Card fields live in an iframe of the simulator's origin; this page only ever sees
 * results, never card data, as with the real Stripe.js.
 *
 * Argument checks throw synchronously, as Stripe.js does: an integration that only
 * .catch()es a promise must fail here as it would against js.stripe.com. Where a message
 * is Stripe's own it is copied verbatim (sources in ../../README.md).
 */
(function () {
  'use strict';

  var SCRIPT = document.currentScript;
  var ORIGIN = new URL(SCRIPT ? SCRIPT.src : window.location.href).origin;
  var PAGE_ORIGIN = window.location.origin;
  var nextId = 1;

  function IntegrationError(message) {
    var e = new Error(message);
    e.name = 'IntegrationError';
    return e;
  }

  function LoadFailure(error) {
    var e = new Error(error.message);
    e.name = 'LoadFailure';
    e.stripeError = error;
    return e;
  }

  function encode(params, prefix, out) {
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      var name = prefix ? prefix + '[' + k + ']' : k;
      if (v === undefined || v === null) return;
      if (typeof v === 'object') encode(v, name, out);
      else out.push(encodeURIComponent(name) + '=' + encodeURIComponent(String(v)));
    });
    return out;
  }

  function call(pk, method, path, params) {
    var body = encode(params || {}, '', []).join('&');
    var url = ORIGIN + path + (method === 'GET' && body ? '?' + body : '');
    return fetch(url, {
      method: method,
      headers: { Authorization: 'Bearer ' + pk, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: method === 'GET' ? undefined : body,
    })
      .then(function (r) {
        return r.json().then(function (json) {
          return { status: r.status, body: json };
        });
      })
      .catch(function (err) {
        return { status: 0, body: { error: { type: 'api_connection_error', message: 'Could not reach the Stripe simulator: ' + err.message } } };
      });
  }

  var SECRET_FORM = /^pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/;
  // How long the card frame may take to say hello once its page has loaded: a 404 page or a
  // browser error page loads too, but never speaks.
  var FRAME_HELLO_MS = 1500;
  var DEFERRED_GUIDE = 'Call elements.submit() as soon as your customer presses pay, prior to any asynchronous work. Integration guide: https://stripe.com/docs/payments/accept-a-payment-deferred';

  /* `where` names the call in Stripe's style, e.g. "elements()" or "stripe.confirmPayment()". */
  function intentId(clientSecret, where) {
    if (typeof clientSecret !== 'string' || !SECRET_FORM.test(clientSecret)) {
      throw IntegrationError('Invalid value for ' + where + ': clientSecret should be a client secret of the form ${id}_secret_${secret}. You specified: ' + clientSecret + '.');
    }
    return clientSecret.split('_secret_')[0];
  }

  function isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  }

  /* ---- Payment Element: an iframe that holds the card fields ---- */

  function PaymentElement(elements, options) {
    this._elements = elements;
    this._options = options || {};
    this._handlers = {};
    this._pending = {};
    this._frame = null;
    this._ready = null;
    this._loadError = null;
    this._onMessage = this._receive.bind(this);
  }

  PaymentElement.prototype.mount = function (target) {
    var node = typeof target === 'string' ? document.querySelector(target) : target;
    if (!node) throw IntegrationError('The selector you specified (' + target + ') applies to no DOM elements that are currently on the page.\nMake sure the element exists on the page before calling mount().');
    if (this._frame) throw IntegrationError('This Element is already mounted. Use `unmount()` to unmount the Element before re-mounting.');
    var self = this;
    var frame = document.createElement('iframe');
    frame.name = '__privateStripeFrame' + nextId++;
    frame.title = 'Secure payment input frame';
    frame.setAttribute('allowtransparency', 'true');
    frame.setAttribute('scrolling', 'no');
    frame.style.cssText = 'border:0;width:100%;height:230px;display:block;overflow:hidden;';
    frame.src = ORIGIN + '/v3/elements-inner-payment.html#' + encodeURIComponent(JSON.stringify({ origin: PAGE_ORIGIN }));
    this._loadError = null;
    this._helloed = false;
    var frameReady = new Promise(function (resolve, reject) {
      self._resolveFrame = resolve;
      self._rejectFrame = reject;
    });
    // With a client secret, Stripe.js fetches the intent before it shows the form: an unknown
    // or foreign secret is a load error, not a confirm-time error.
    var secret = this._elements._options.clientSecret;
    var intentOk = secret
      ? this._elements._stripe._retrieve(secret).then(function (r) {
          if (r.status !== 200) throw LoadFailure(r.body.error || { type: 'api_error', message: 'The Payment Element could not load.' });
        })
      : Promise.resolve();
    this._ready = Promise.all([frameReady, intentOk]);
    this._ready.then(
      function () {
        if (self._frame === frame) self._emit('ready', { elementType: 'payment' });
      },
      function (e) {
        if (self._frame !== frame || self._loadError) return;
        self._loadError = e.stripeError;
        self._emit('loaderror', { elementType: 'payment', error: e.stripeError });
      },
    );
    frame.addEventListener('load', function () {
      setTimeout(function () {
        if (self._frame === frame && !self._helloed) {
          self._rejectFrame(LoadFailure({ type: 'api_connection_error', message: 'The Payment Element could not load its frame from ' + ORIGIN + '.' }));
        }
      }, FRAME_HELLO_MS);
    });
    window.addEventListener('message', this._onMessage);
    node.appendChild(frame);
    this._frame = frame;
    this._elements._element = this;
    // Stripe.js emits loaderstart once the loader is in the DOM, after mount() has returned.
    setTimeout(function () {
      if (self._frame === frame) self._emit('loaderstart', { elementType: 'payment' });
    }, 0);
    return this;
  };

  PaymentElement.prototype.unmount = function () {
    if (!this._frame) return this;
    window.removeEventListener('message', this._onMessage);
    this._frame.remove();
    this._frame = null;
    return this;
  };

  PaymentElement.prototype.destroy = function () {
    this.unmount();
    if (this._elements._element === this) this._elements._element = null;
    this._destroyed = true;
    return this;
  };

  PaymentElement.prototype.on = function (event, handler) {
    (this._handlers[event] = this._handlers[event] || []).push(handler);
    return this;
  };

  PaymentElement.prototype.once = function (event, handler) {
    var self = this;
    function once(payload) {
      self.off(event, once);
      handler(payload);
    }
    return this.on(event, once);
  };

  PaymentElement.prototype.off = function (event, handler) {
    this._handlers[event] = (this._handlers[event] || []).filter(function (h) {
      return handler && h !== handler;
    });
    return this;
  };

  PaymentElement.prototype.update = function () {
    return this;
  };

  /* focus/blur/clear are fire-and-forget in Stripe.js (they return nothing). */
  PaymentElement.prototype._command = function (kind) {
    var self = this;
    if (!this._frame) return;
    var frame = this._frame;
    this._ready.then(function () {
      if (self._frame !== frame) return;
      // The frame's own focus() only takes effect once its browsing context has focus.
      if (kind === 'focus') frame.focus();
      frame.contentWindow.postMessage({ __stripeSim: true, kind: kind, id: 0, data: {} }, ORIGIN);
    }, function () {});
  };

  PaymentElement.prototype.focus = function () {
    this._command('focus');
  };

  PaymentElement.prototype.blur = function () {
    this._command('blur');
  };

  PaymentElement.prototype.clear = function () {
    this._command('clear');
  };

  PaymentElement.prototype._emit = function (event, payload) {
    (this._handlers[event] || []).slice().forEach(function (h) {
      h(payload);
    });
  };

  PaymentElement.prototype._receive = function (e) {
    if (!this._frame || e.source !== this._frame.contentWindow || e.origin !== ORIGIN) return;
    var m = e.data || {};
    if (!m.__stripeSim) return;
    if (m.kind === 'ready') {
      this._helloed = true;
      this._resolveFrame();
    } else if (m.kind === 'change') {
      this._emit('change', Object.assign({ elementType: 'payment', collapsed: false }, m.data));
    } else if (m.kind === 'focus' || m.kind === 'blur') {
      this._emit(m.kind, { elementType: 'payment' });
    } else if (m.kind === 'resize') {
      this._frame.style.height = m.data.height + 'px';
    } else if (m.kind === 'reply' && this._pending[m.id]) {
      this._pending[m.id](m.data);
      delete this._pending[m.id];
    }
  };

  /* Resolves with the frame's reply, or with {error} if the Element never loaded. */
  PaymentElement.prototype._rpc = function (kind, data) {
    var self = this;
    var frame = this._frame;
    return this._ready.then(
      function () {
        return new Promise(function (resolve) {
          var id = nextId++;
          self._pending[id] = resolve;
          frame.contentWindow.postMessage({ __stripeSim: true, kind: kind, id: id, data: data || {} }, ORIGIN);
        });
      },
      function (e) {
        return { loadError: e.stripeError };
      },
    );
  };

  /* ---- Elements group ---- */

  var MODES = ['payment', 'setup', 'subscription'];

  function checkDeferred(options) {
    var mode = options.mode;
    if (MODES.indexOf(mode) < 0) {
      throw IntegrationError('Invalid value for elements(): mode should be one of the following strings: ' + MODES.join(', ') + '. You specified: ' + mode + '.');
    }
    if (mode !== 'payment') {
      throw IntegrationError("The simulator's Stripe.js supports only mode: 'payment', not " + mode + '.');
    }
    var amount = options.amount;
    if (amount === undefined) throw IntegrationError('Missing value for elements(): amount should be a positive integer.');
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0) {
      throw IntegrationError('Invalid value for elements(): amount should be a positive integer. You specified: ' + amount + '.');
    }
    var currency = options.currency;
    if (currency === undefined) throw IntegrationError('Missing value for elements(): currency should be a three-letter currency code in lowercase.');
    // Stripe.js lists every currency it knows in this message; lowercase ISO codes are the rule.
    if (typeof currency !== 'string' || !/^[a-z]{3}$/.test(currency)) {
      throw IntegrationError('Invalid value for elements(): currency should be one of the following strings: a three-letter ISO currency code in lowercase. You specified: ' + currency + '.');
    }
  }

  function isDeferred(options) {
    return options.mode !== undefined || options.amount !== undefined || options.currency !== undefined;
  }

  function Elements(stripe, options) {
    if (options !== undefined && !isObject(options)) {
      throw IntegrationError('Invalid value for elements(): value should be an object. You specified: ' + options + '.');
    }
    options = Object.assign({}, options || {});
    if (options.clientSecret !== undefined) {
      intentId(options.clientSecret, 'elements()');
      if (options.mode !== undefined) {
        throw IntegrationError('Invalid value for elements(): mode should not be passed together with clientSecret; the intent already says what it is for.');
      }
    } else if (isDeferred(options)) {
      checkDeferred(options);
    }
    this._stripe = stripe;
    this._options = options;
    this._element = null;
    this._submitted = false;
  }

  Elements.prototype.create = function (type, options) {
    if (type !== 'payment') throw IntegrationError('The simulator\'s Stripe.js supports only the payment Element, not ' + type + '.');
    if (this._element) throw IntegrationError('Can only create one Element of type payment.');
    if (!this._options.clientSecret && !this._options.mode) {
      throw IntegrationError('In order to create a payment element, you must pass a clientSecret or mode when creating the Elements group.\n\ne.g. stripe.elements({clientSecret: "{{CLIENT_SECRET}}"})');
    }
    this._element = new PaymentElement(this, options);
    return this._element;
  };

  Elements.prototype.getElement = function (type) {
    return type === 'payment' ? this._element : null;
  };

  Elements.prototype.update = function (options) {
    var next = Object.assign({}, this._options, options || {});
    if (!next.clientSecret && isDeferred(next)) checkDeferred(next);
    this._options = next;
    return this;
  };

  Elements.prototype.fetchUpdates = function () {
    return Promise.resolve({});
  };

  Elements.prototype._mounted = function () {
    return this._element && this._element._frame ? this._element : null;
  };

  Elements.prototype.submit = function () {
    var self = this;
    var el = this._mounted();
    if (!el) return Promise.reject(IntegrationError('elements.submit(): the Elements group has no mounted Payment Element.'));
    return el._rpc('validate').then(function (v) {
      if (v.loadError) return { error: v.loadError };
      if (v.error) return { error: v.error };
      self._submitted = true;
      return { selectedPaymentMethod: 'card' };
    });
  };

  /* ---- the Stripe object ---- */

  function StripeInstance(pk) {
    if (typeof pk !== 'string' || !/^pk_(test|live)_\w+$/.test(pk)) {
      throw IntegrationError('Invalid API Key provided: ' + pk);
    }
    // Stripe.js's own check, made on the page (not the script's origin) before anything else.
    if (window.location.protocol !== 'https:') {
      if (pk.indexOf('pk_live_') === 0) {
        throw IntegrationError('Live Stripe.js integrations must use HTTPS. For more information: https://stripe.com/docs/security/guide#tls');
      }
      console.warn('You may test your Stripe.js integration over HTTP. However, live Stripe.js integrations must use HTTPS.');
    }
    this._pk = pk;
  }

  StripeInstance.prototype.elements = function (options) {
    return new Elements(this, options);
  };

  StripeInstance.prototype._retrieve = function (clientSecret) {
    return call(this._pk, 'GET', '/v1/payment_intents/' + clientSecret.split('_secret_')[0], { client_secret: clientSecret });
  };

  StripeInstance.prototype.retrievePaymentIntent = function (clientSecret) {
    intentId(clientSecret, 'stripe.retrievePaymentIntent()');
    return this._retrieve(clientSecret).then(function (r) {
      return r.status === 200 ? { paymentIntent: r.body } : { error: r.body.error };
    });
  };

  /* Shows the 3-D Secure test page over the app and resolves when it was answered. */
  StripeInstance.prototype._challenge = function (pi) {
    var url = pi.next_action && pi.next_action.use_stripe_sdk && pi.next_action.use_stripe_sdk.stripe_js;
    if (!url || new URL(url).origin !== ORIGIN) return Promise.resolve();
    return new Promise(function (resolve) {
      var overlay = document.createElement('div');
      overlay.setAttribute('data-stripe-sim', '3ds');
      overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;';
      var frame = document.createElement('iframe');
      frame.title = '3D Secure authentication';
      frame.name = '__stripeSim3ds';
      frame.style.cssText = 'border:0;border-radius:8px;background:#fff;width:420px;height:360px;max-width:95vw;';
      frame.src = url + '&origin=' + encodeURIComponent(PAGE_ORIGIN);
      function done(e) {
        if (e.source !== frame.contentWindow || e.origin !== ORIGIN || !e.data || e.data.kind !== '3ds-complete') return;
        window.removeEventListener('message', done);
        overlay.remove();
        resolve();
      }
      window.addEventListener('message', done);
      overlay.appendChild(frame);
      document.body.appendChild(overlay);
    });
  };

  function outcome(pi) {
    if (pi.status === 'requires_payment_method' && pi.last_payment_error) {
      return { error: Object.assign({}, pi.last_payment_error, { payment_intent: pi }) };
    }
    return { paymentIntent: pi };
  }

  StripeInstance.prototype._settle = function (reply, clientSecret, redirect, returnUrl) {
    var self = this;
    if (reply.status !== 200) return Promise.resolve({ error: reply.body.error });
    var pi = reply.body;
    var next = Promise.resolve(reply);
    if (pi.status === 'requires_action' && pi.next_action && pi.next_action.type === 'use_stripe_sdk') {
      next = this._challenge(pi).then(function () {
        return self._retrieve(clientSecret);
      });
    }
    return next.then(function (r) {
      if (r.status !== 200) return { error: r.body.error };
      var result = outcome(r.body);
      if (result.paymentIntent && redirect === 'always' && returnUrl) {
        var target = new URL(returnUrl, window.location.href);
        target.searchParams.set('payment_intent', result.paymentIntent.id);
        target.searchParams.set('payment_intent_client_secret', clientSecret);
        target.searchParams.set('redirect_status', result.paymentIntent.status === 'succeeded' ? 'succeeded' : 'pending');
        window.location.assign(target.toString());
        return new Promise(function () {});
      }
      return result;
    });
  };

  function checkRedirect(where, redirect) {
    if (redirect !== undefined && redirect !== 'always' && redirect !== 'if_required') {
      throw IntegrationError('Invalid value for ' + where + ': redirect should be one of the following strings: always, if_required. You specified: ' + redirect + '.');
    }
  }

  StripeInstance.prototype.confirmPayment = function (options) {
    var self = this;
    if (!isObject(options) || (!options.elements && !options.clientSecret)) {
      throw IntegrationError('stripe.confirmPayment(): expected either `elements` or `clientSecret`, but got neither.');
    }
    var elements = options.elements;
    if (!elements) {
      throw IntegrationError("The simulator's Stripe.js confirms only with `elements` (a mounted Payment Element), not with a clientSecret and a payment_method alone.");
    }
    if (!(elements instanceof Elements)) {
      throw IntegrationError('Invalid value for stripe.confirmPayment(): elements should be an Elements group. You specified: ' + typeof elements + '.');
    }
    if (!elements._mounted()) {
      throw IntegrationError('Invalid value for stripe.confirmPayment(): elements should have a mounted Payment Element or Express Checkout Element.');
    }
    var deferred = !elements._options.clientSecret;
    if (deferred && !options.clientSecret) {
      throw IntegrationError('You must pass in a clientSecret when calling stripe.confirmPayment()');
    }
    var clientSecret = options.clientSecret || elements._options.clientSecret;
    var id = intentId(clientSecret, 'stripe.confirmPayment()');
    var params = options.confirmParams || {};
    if (!isObject(params)) throw IntegrationError('Invalid value for stripe.confirmPayment(): confirmParams should be an object. You specified: ' + params + '.');
    checkRedirect('stripe.confirmPayment()', options.redirect);
    var redirect = options.redirect || 'always';
    if (redirect === 'always' && !params.return_url) {
      throw IntegrationError("stripe.confirmPayment(): the `confirmParams.return_url` argument is required unless passing `redirect: 'if_required'`");
    }
    if (deferred && !elements._submitted) {
      throw IntegrationError('elements.submit() must be called before stripe.confirmPayment(). ' + DEFERRED_GUIDE);
    }
    return elements._element
      ._rpc('confirm', { pk: this._pk, intent: id, clientSecret: clientSecret, returnUrl: params.return_url, billing: params.payment_method_data && params.payment_method_data.billing_details })
      .then(function (reply) {
        if (reply.loadError) return { error: reply.loadError };
        if (reply.validation) return { error: reply.validation };
        return self._settle(reply, clientSecret, redirect, params.return_url);
      });
  };

  StripeInstance.prototype.createConfirmationToken = function (options) {
    if (!isObject(options) || !options.elements) {
      throw IntegrationError('stripe.createConfirmationToken(): expected `elements`, but got none.');
    }
    var elements = options.elements;
    if (!(elements instanceof Elements)) {
      throw IntegrationError('Invalid value for stripe.createConfirmationToken(): elements should be an Elements group. You specified: ' + typeof elements + '.');
    }
    if (!elements._mounted()) {
      throw IntegrationError('Invalid value for stripe.createConfirmationToken(): elements should have a mounted Payment Element or Express Checkout Element.');
    }
    if (!elements._submitted) {
      throw IntegrationError('elements.submit() must be called before stripe.createConfirmationToken(). ' + DEFERRED_GUIDE);
    }
    var params = options.params || {};
    if (!isObject(params)) throw IntegrationError('Invalid value for stripe.createConfirmationToken(): params should be an object. You specified: ' + params + '.');
    return elements._element
      ._rpc('token', { pk: this._pk, returnUrl: params.return_url, billing: params.payment_method_data && params.payment_method_data.billing_details })
      .then(function (reply) {
        if (reply.loadError) return { error: reply.loadError };
        if (reply.validation) return { error: reply.validation };
        return reply.status === 200 ? { confirmationToken: reply.body } : { error: reply.body.error };
      });
  };

  StripeInstance.prototype.handleNextAction = function (options) {
    var self = this;
    if (!isObject(options) || options.clientSecret === undefined) {
      throw IntegrationError('stripe.handleNextAction(): expected `clientSecret`, but got none.');
    }
    var clientSecret = options.clientSecret;
    intentId(clientSecret, 'stripe.handleNextAction()');
    return this._retrieve(clientSecret).then(function (reply) {
      return self._settle(reply, clientSecret, 'if_required');
    });
  };

  window.Stripe = function (pk, options) {
    return new StripeInstance(pk, options);
  };
  window.Stripe.version = 3;
  window.Stripe.simulator = true;
})();
