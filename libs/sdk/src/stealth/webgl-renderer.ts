// Stealth signal: the GPU WebGL names against the browser's claims. A software renderer
// (SwiftShader, llvmpipe) is what headless servers have, but also VMs and remote desktops, so the
// engine uses 'webgl_software' only beside other evidence; Direct3D off Windows or Metal off Apple
// systems is a renderer string copied from another machine ('webgl_platform').
export interface WebglHost {
  navigator?: { userAgent?: unknown };
  document?: { createElement(tag: 'canvas'): { getContext(kind: 'webgl'): unknown } };
}

interface Gl {
  getExtension(name: string): { UNMASKED_RENDERER_WEBGL: number } | null;
  getParameter(p: number): unknown;
}

/** The unmasked WebGL renderer, '' when WebGL or the debug extension is unavailable. */
export function webglRendererName(win: WebglHost): string {
  try {
    const gl = win.document && (win.document.createElement('canvas').getContext('webgl') as Gl | null);
    const ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
    return ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) || '') : '';
  } catch {
    return '';
  }
}

export function webglRenderer(win: WebglHost, renderer: string = webglRendererName(win)): string[] {
  const ua = String((win.navigator && win.navigator.userAgent) || '');
  const out: string[] = [];
  if (/SwiftShader|llvmpipe|softpipe|Basic Render/i.test(renderer) && !/Android|Mobile/.test(ua))
    out.push('webgl_software');
  const d3d = /Direct3D|D3D1\d/.test(renderer);
  const metal = /Metal/.test(renderer); // ANGLE's Metal back end exists only on Apple systems
  if ((d3d && !/Windows/.test(ua)) || (metal && !/Mac OS X|iPhone|iPad/.test(ua))) out.push('webgl_platform');
  return out;
}
