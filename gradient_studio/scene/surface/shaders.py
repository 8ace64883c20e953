"""The 3-D view's GLSL programs, written once for desktop OpenGL 2.1 and OpenGL ES 2.0."""

from __future__ import annotations

DESKTOP_HEADER = "#version 120\n"
ES_HEADER = "#version 100\nprecision mediump float;\n"

#: The surface: vertex colours from the colour map, lit by a light over the viewer's
#: shoulder. Strong ambient light keeps the colour map's colours recognisable; the
#: underside (seen from below) is lit as well as the top. Lit per vertex: a cell of a
#: 200 x 200 surface is a few pixels across, so per-pixel light would look the same and
#: cost a software renderer a third of its frame.
MESH_VERTEX = """
uniform mat4 u_mvp;
uniform mat4 u_mv;
attribute vec3 a_position;
attribute vec3 a_normal;
attribute vec4 a_colour;
varying vec4 v_colour;
void main() {
    vec3 n = normalize((u_mv * vec4(a_normal, 0.0)).xyz);
    vec3 toward = -(u_mv * vec4(a_position, 1.0)).xyz;
    if (dot(n, toward) < 0.0) n = -n;
    vec3 light = normalize(vec3(-0.35, 0.55, 1.0));
    float diffuse = max(dot(n, light), 0.0);
    vec3 halfway = normalize(light + vec3(0.0, 0.0, 1.0));
    float shine = pow(max(dot(n, halfway), 0.0), 40.0);
    vec3 rgb = a_colour.rgb * (0.52 + 0.55 * diffuse) + vec3(0.07 * shine);
    v_colour = vec4(min(rgb, vec3(1.0)), 1.0);
    gl_Position = u_mvp * vec4(a_position, 1.0);
}
"""

MESH_FRAGMENT = """
varying vec4 v_colour;
void main() {
    gl_FragColor = v_colour;
}
"""

#: Lines in one colour (paths, their dark casings, the box's guides). A path is drawn
#: ``u_bias`` nearer the eye than it lies: on a log-height surface the valley floor can be a
#: gorge narrower than the line, whose walls would otherwise hide it.
LINE_VERTEX = """
uniform mat4 u_mv;
uniform mat4 u_projection;
uniform float u_bias;
attribute vec3 a_position;
void main() {
    vec4 eye = u_mv * vec4(a_position, 1.0);
    eye.xyz += normalize(-eye.xyz) * u_bias;
    gl_Position = u_projection * eye;
}
"""

LINE_FRAGMENT = """
uniform vec4 u_colour;
void main() {
    gl_FragColor = u_colour;
}
"""

#: Balls and start discs as point sprites of a fixed size in pixels. A ball rests on the
#: surface (its centre lifted by its own radius), and each of its pixels takes the depth of
#: the sphere there, brought nearer by ``u_bias`` radii: the surface hides a ball only where
#: a slope really stands in front of it, not where it sits on a slope facing the camera or
#: in a gorge narrower than itself. (OpenGL ES 2.0 has no gl_FragDepth: there a ball is a
#: disc at its front's depth.)
SPRITE_VERTEX = """
uniform mat4 u_mv;
uniform mat4 u_projection;
uniform float u_size;
uniform float u_world_per_pixel;
uniform float u_rest;
uniform float u_bias;
attribute vec3 a_position;
attribute vec4 a_colour;
varying vec4 v_colour;
varying float v_eye_z;
varying float v_radius;
void main() {
    vec4 eye = u_mv * vec4(a_position, 1.0);
    float radius = 0.5 * u_size * max(-eye.z, 1e-6) * u_world_per_pixel;
    eye += u_mv * vec4(0.0, 0.0, radius * u_rest, 0.0);
    v_eye_z = eye.z;
    v_radius = radius;
    vec3 front = eye.xyz + normalize(-eye.xyz) * radius * (1.0 + u_bias);
    gl_Position = u_projection * vec4(front, 1.0);
    gl_PointSize = u_size;
    v_colour = a_colour;
}
"""

SPRITE_FRAGMENT = """
uniform float u_size;
uniform float u_shaded;
uniform float u_alpha;
uniform float u_rim;
uniform float u_bias;
uniform vec4 u_rim_colour;
uniform vec2 u_depth;  // the projection's z row: clip z = u_depth.x * eye z + u_depth.y
varying vec4 v_colour;
varying float v_eye_z;
varying float v_radius;
void main() {
    vec2 c = gl_PointCoord * 2.0 - 1.0;
    c.y = -c.y;
    float r = length(c);
    float pixels = 0.5 * u_size;
    float coverage = clamp((1.0 - r) * pixels, 0.0, 1.0);
    if (coverage <= 0.0) discard;
    float bulge = sqrt(max(1.0 - r * r, 0.0));
#ifndef GL_ES
    float z = v_eye_z + v_radius * (bulge + u_bias);
    gl_FragDepth = 0.5 * (u_depth.x * z + u_depth.y) / -z + 0.5;
#endif
    vec3 rgb = v_colour.rgb;
    if (u_shaded > 0.5) {
        vec3 n = vec3(c, bulge);
        vec3 light = normalize(vec3(-0.45, 0.6, 0.9));
        float diffuse = max(dot(n, light), 0.0);
        float shine = pow(max(dot(reflect(-light, n), vec3(0.0, 0.0, 1.0)), 0.0), 24.0);
        rgb = rgb * (0.42 + 0.68 * diffuse) + vec3(0.45 * shine);
    }
    float rim = clamp((r - (1.0 - u_rim / pixels)) * pixels + 0.5, 0.0, 1.0);
    rgb = mix(min(rgb, vec3(1.0)), u_rim_colour.rgb, rim);
    gl_FragColor = vec4(rgb, coverage * u_alpha);
}
"""


def source(body: str, *, es: bool) -> str:
    """``body`` with the header its kind of OpenGL needs."""
    return (ES_HEADER if es else DESKTOP_HEADER) + body
