// Mounts the console (社区工作台): sign-in, the inbox and a report's detail, all in App.svelte.
import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";

const target = document.getElementById("app");
if (!target) throw new Error("no #app element");
export default mount(App, { target });
