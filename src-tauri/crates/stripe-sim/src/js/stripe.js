/*
 * Paydesk's stand-in for Stripe.js (https://js.stripe.com/v3/), served by the Stripe
 * simulator. It implements, with @stripe/stripe-js's signatures, the part Paydesk uses:
 * Stripe(pk), elements({clientSecret} | {mode, amount, currency}), elements.create('payment'),
 * mount/unmount/on, elements.submit(), confirmPayment, createConfirmationToken,
 * handleNextAction and retrievePaymentIntent.
 *
 * Card fields live in an iframe of the simulator's origin; this page only ever sees
 * results, never card data, as with the real Stripe.js.
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

  function intentId(clientSecret) {
    if (typeof clientSecret !== 'string' || clientSecret.indexOf('_secret_') < 0) {
      throw IntegrationError('Invalid value for clientSecret: expected a PaymentIntent client secret of the form pi_..._secret_...');
    }
    return clientSecret.split('_secret_')[0];
  }

  /* ---- Payment Element: an iframe that holds the card fields ---- */

  function PaymentElement(elements, options) {
    this._elements = elements;
    this._options = options || {};
    this._handlers = {};
    this._pending = {};
    this._frame = null;
    this._ready = null;
    this._onMessage = this._receive.bind(this);
  }

  PaymentElement.prototype.mount = function (target) {
    var node = typeof target === 'string' ? document.querySelector(target) : target;
    if (!node) throw IntegrationError('The selector you specified (' + target + ') applies to no DOM elements.');
    if (this._frame) throw IntegrationError('This Element is already mounted.');
    var self = this;
    var frame = document.createElement('iframe');
    frame.name = '__privateStripeFrame' + nextId++;
    frame.title = 'Secure payment input frame';
    frame.setAttribute('allowtransparency', 'true');
    frame.setAttribute('scrolling', 'no');
    frame.style.cssText = 'border:0;width:100%;height:230px;display:block;overflow:hidden;';
    frame.src = ORIGIN + '/v3/elements-inner-payment.html#' + encodeURIComponent(JSON.stringify({ origin: PAGE_ORIGIN }));
    this._ready = new Promise(function (resolve) {
      self._resolveReady = resolve;
    });
    window.addEventListener('message', this._onMessage);
    node.appendChild(frame);
    this._frame = frame;
    this._elements._element = this;
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
    return this;
  };

  PaymentElement.prototype.on = function (event, handler) {
    (this._handlers[event] = this._handlers[event] || []).push(handler);
    return this;
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

  PaymentElement.prototype._emit = function (event, payload) {
    (this._handlers[event] || []).forEach(function (h) {
      h(payload);
    });
  };

  PaymentElement.prototype._receive = function (e) {
    if (!this._frame || e.source !== this._frame.contentWindow || e.origin !== ORIGIN) return;
    var m = e.data || {};
    if (!m.__stripeSim) return;
    if (m.kind === 'ready') {
      this._resolveReady();
      this._emit('ready', { elementType: 'payment' });
    } else if (m.kind === 'change') {
      this._emit('change', Object.assign({ elementType: 'payment', collapsed: false }, m.data));
    } else if (m.kind === 'resize') {
      this._frame.style.height = m.data.height + 'px';
    } else if (m.kind === 'reply' && this._pending[m.id]) {
      this._pending[m.id](m.data);
      delete this._pending[m.id];
    }
  };

  PaymentElement.prototype._rpc = function (kind, data) {
    var self = this;
    if (!this._frame) return Promise.reject(IntegrationError('The Payment Element is not mounted.'));
    return this._ready.then(function () {
      return new Promise(function (resolve) {
        var id = nextId++;
        self._pending[id] = resolve;
        self._frame.contentWindow.postMessage({ __stripeSim: true, kind: kind, id: id, data: data || {} }, ORIGIN);
      });
    });
  };

  /* ---- Elements group ---- */

  function Elements(stripe, options) {
    options = options || {};
    if (options.clientSecret) intentId(options.clientSecret);
    if (!options.clientSecret && options.mode && options.mode !== 'payment') {
      throw IntegrationError('Invalid value for elements(): mode should be payment; you specified: ' + options.mode + '.');
    }
    this._stripe = stripe;
    this._options = options;
    this._element = null;
    this._submitted = false;
  }

  Elements.prototype.create = function (type, options) {
    if (type !== 'payment') throw IntegrationError('The simulator\'s Stripe.js supports only the payment Element, not ' + type + '.');
    if (this._element) throw IntegrationError('Can only create one Element of type payment.');
    this._element = new PaymentElement(this, options);
    return this._element;
  };

  Elements.prototype.getElement = function (type) {
    return type === 'payment' ? this._element : null;
  };

  Elements.prototype.update = function (options) {
    Object.assign(this._options, options || {});
    return this;
  };

  Elements.prototype.fetchUpdates = function () {
    return Promise.resolve({});
  };

  Elements.prototype.submit = function () {
    var self = this;
    if (!this._element) return Promise.reject(IntegrationError('elements.submit(): no Payment Element was created.'));
    return this._element._rpc('validate').then(function (v) {
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
    this._pk = pk;
  }

  StripeInstance.prototype.elements = function (options) {
    return new Elements(this, options);
  };

  StripeInstance.prototype._retrieve = function (clientSecret) {
    return call(this._pk, 'GET', '/v1/payment_intents/' + intentId(clientSecret), { client_secret: clientSecret });
  };

  StripeInstance.prototype.retrievePaymentIntent = function (clientSecret) {
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

  StripeInstance.prototype.confirmPayment = function (options) {
    var self = this;
    options = options || {};
    var elements = options.elements;
    if (!elements || !elements._element) return Promise.reject(IntegrationError('stripe.confirmPayment(): elements with a mounted Payment Element is required.'));
    var clientSecret = options.clientSecret || elements._options.clientSecret;
    if (!clientSecret) return Promise.reject(IntegrationError('stripe.confirmPayment(): a clientSecret is required (in elements() or in confirmPayment()).'));
    var id = intentId(clientSecret);
    var params = options.confirmParams || {};
    var redirect = options.redirect || 'always';
    if (redirect === 'always' && !params.return_url) {
      return Promise.reject(IntegrationError("stripe.confirmPayment(): the `confirmParams.return_url` argument is required unless passing `redirect: 'if_required'`"));
    }
    if (!elements._options.clientSecret && !elements._submitted) {
      return Promise.reject(IntegrationError('elements.submit() must be called before stripe.confirmPayment() when Elements is created without a clientSecret.'));
    }
    return elements._element
      ._rpc('confirm', { pk: this._pk, intent: id, clientSecret: clientSecret, returnUrl: params.return_url, billing: params.payment_method_data && params.payment_method_data.billing_details })
      .then(function (reply) {
        if (reply.validation) return { error: reply.validation };
        return self._settle(reply, clientSecret, redirect, params.return_url);
      });
  };

  StripeInstance.prototype.createConfirmationToken = function (options) {
    options = options || {};
    var elements = options.elements;
    if (!elements || !elements._element) return Promise.reject(IntegrationError('stripe.createConfirmationToken(): elements with a mounted Payment Element is required.'));
    if (!elements._submitted) return Promise.reject(IntegrationError('elements.submit() must be called before stripe.createConfirmationToken().'));
    var params = options.params || {};
    return elements._element
      ._rpc('token', { pk: this._pk, returnUrl: params.return_url, billing: params.payment_method_data && params.payment_method_data.billing_details })
      .then(function (reply) {
        if (reply.validation) return { error: reply.validation };
        return reply.status === 200 ? { confirmationToken: reply.body } : { error: reply.body.error };
      });
  };

  StripeInstance.prototype.handleNextAction = function (options) {
    var self = this;
    var clientSecret = options && options.clientSecret;
    intentId(clientSecret);
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
