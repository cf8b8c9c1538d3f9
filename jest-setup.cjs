// jsdom lacks a few browser APIs Grafana's UI components touch.
require('@testing-library/jest-dom');

const { TextEncoder, TextDecoder } = require('node:util');
Object.assign(global, { TextEncoder, TextDecoder });

if (!window.matchMedia) {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }),
  });
}

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
global.ResizeObserver = global.ResizeObserver || ResizeObserverStub;

class IntersectionObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
global.IntersectionObserver = global.IntersectionObserver || IntersectionObserverStub;
HTMLCanvasElement.prototype.getContext = () => null;

// jsdom hides Node's structuredClone; browsers have it (the shared model uses it for defaults).
if (typeof global.structuredClone !== 'function') {
  const v8 = require('node:v8');
  global.structuredClone = (value) => v8.deserialize(v8.serialize(value));
}
