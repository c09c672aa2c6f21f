/* global document */
// Small DOM helpers the dashboard and the driver's page share.

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/**
 * A new element: `props` are set as properties, except `dataset` (merged into
 * data-*), `attrs` (attributes) and `on<event>` (listeners); children that are
 * null, undefined or false are left out.
 */
export const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'attrs') for (const [name, v] of Object.entries(value)) node.setAttribute(name, v);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) node[key] = value;
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
};
